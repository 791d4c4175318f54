import { Button, Text } from '@react-email/components';
import { EmailLayout, styles } from './layout';

export interface NotificationEmailProps {
  /** 'alert' shows a warning line above the message. */
  variant: 'alert' | 'notification';
  title: string;
  body: string;
  actionUrl: string | null;
  footer: string;
  unsubscribeUrl: string | null;
}

/** One in-app notification (or alert) as an email. */
export function NotificationEmail(props: NotificationEmailProps) {
  return (
    <EmailLayout
      preview={props.body || props.title}
      heading={props.title}
      footer={props.footer}
      unsubscribeUrl={props.unsubscribeUrl}
    >
      {props.variant === 'alert' ? (
        <Text style={{ ...styles.muted, color: '#b45309', fontWeight: 600 }}>Usage alert</Text>
      ) : null}
      {props.body ? <Text style={styles.text}>{props.body}</Text> : null}
      {props.actionUrl ? (
        <Button href={props.actionUrl} style={styles.button}>
          Open Tollgate
        </Button>
      ) : null}
    </EmailLayout>
  );
}
