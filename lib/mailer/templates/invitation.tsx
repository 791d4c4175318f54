import { Button, Link, Text } from '@react-email/components';
import { EmailLayout, styles } from './layout';

export interface InvitationEmailProps {
  orgName: string;
  inviterName: string;
  role: string;
  acceptUrl: string;
  expiresAt: string;
}

export function InvitationEmail(props: InvitationEmailProps) {
  const expires = new Date(props.expiresAt).toUTCString().replace(/ GMT$/, ' UTC');
  return (
    <EmailLayout
      preview={`${props.inviterName} invited you to ${props.orgName} on Tollgate`}
      heading={`Join ${props.orgName} on Tollgate`}
      footer="You received this because someone invited this address to their organization. If you did not expect it, ignore this email."
    >
      <Text style={styles.text}>
        {props.inviterName} invited you to join <strong>{props.orgName}</strong> as {props.role}.
        Members spend from the organization&apos;s shared credits.
      </Text>
      <Button href={props.acceptUrl} style={styles.button}>
        Accept the invitation
      </Button>
      <Text style={{ ...styles.muted, marginTop: '16px' }}>
        Or open this link:{' '}
        <Link href={props.acceptUrl} style={{ wordBreak: 'break-all' }}>
          {props.acceptUrl}
        </Link>
      </Text>
      <Text style={styles.muted}>The link works once and expires on {expires}.</Text>
    </EmailLayout>
  );
}
