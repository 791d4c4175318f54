import type { ReactNode } from 'react';
import {
  Body,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Link,
  Preview,
  Section,
  Text,
} from '@react-email/components';

/** The frame every Tollgate email shares: brand, heading, content, and why you got it. */

export const colors = { ink: '#0f172a', muted: '#64748b', line: '#e2e8f0', accent: '#4f46e5' };

export const styles = {
  text: { color: colors.ink, fontSize: '15px', lineHeight: '24px', margin: '0 0 16px' },
  muted: { color: colors.muted, fontSize: '13px', lineHeight: '20px', margin: '0 0 8px' },
  button: {
    backgroundColor: colors.accent,
    borderRadius: '8px',
    color: '#ffffff',
    display: 'inline-block',
    fontSize: '15px',
    fontWeight: 600,
    padding: '12px 20px',
    textDecoration: 'none',
  },
};

interface LayoutProps {
  preview: string;
  heading: string;
  children: ReactNode;
  /** Why this mail came, and (for optional mail) the link that stops this kind. */
  footer: string;
  unsubscribeUrl?: string | null;
}

export function EmailLayout({ preview, heading, children, footer, unsubscribeUrl }: LayoutProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body
        style={{
          backgroundColor: '#f8fafc',
          fontFamily: '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial',
          margin: 0,
          padding: '24px 12px',
        }}
      >
        <Container
          style={{
            backgroundColor: '#ffffff',
            border: `1px solid ${colors.line}`,
            borderRadius: '12px',
            maxWidth: '560px',
            padding: '28px 24px',
          }}
        >
          <Text style={{ ...styles.muted, fontWeight: 700, letterSpacing: '0.04em' }}>
            TOLLGATE
          </Text>
          <Heading as="h1" style={{ color: colors.ink, fontSize: '22px', margin: '8px 0 16px' }}>
            {heading}
          </Heading>
          <Section>{children}</Section>
          <Hr style={{ borderColor: colors.line, margin: '24px 0 16px' }} />
          <Text style={styles.muted}>{footer}</Text>
          {unsubscribeUrl ? (
            <Text style={styles.muted}>
              <Link href={unsubscribeUrl} style={{ color: colors.muted }}>
                Unsubscribe from these emails
              </Link>{' '}
              or choose what you receive in Settings.
            </Text>
          ) : null}
        </Container>
      </Body>
    </Html>
  );
}
