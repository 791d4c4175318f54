import { Button, Column, Row, Text } from '@react-email/components';
import { EmailLayout, colors, styles } from './layout';

export interface ReceiptEmailProps {
  packageName: string;
  credits: string;
  bonusCredits: string | null;
  price: string;
  paidAt: string;
  reference: string;
  creditsUrl: string;
  receiptUrl: string | null;
}

function Line({ label, value }: { label: string; value: string }) {
  return (
    <Row style={{ borderBottom: `1px solid ${colors.line}` }}>
      <Column style={{ ...styles.muted, padding: '8px 0' }}>{label}</Column>
      <Column align="right" style={{ ...styles.text, margin: 0, padding: '8px 0' }}>
        {value}
      </Column>
    </Row>
  );
}

export function ReceiptEmail(props: ReceiptEmailProps) {
  return (
    <EmailLayout
      preview={`Receipt: ${props.packageName} package, ${props.price}`}
      heading="Thanks for your purchase"
      footer="This receipt is sent for every purchase on your account."
    >
      <Text style={styles.text}>Your payment went through and the credits are in your wallet.</Text>
      <Line label="Package" value={props.packageName} />
      <Line label="Credits" value={props.credits} />
      {props.bonusCredits ? <Line label="Bonus credits" value={props.bonusCredits} /> : null}
      <Line label="Paid" value={props.price} />
      <Line label="Date" value={props.paidAt} />
      <Line label="Reference" value={props.reference} />
      <Button href={props.creditsUrl} style={{ ...styles.button, marginTop: '20px' }}>
        See your credits
      </Button>
      {props.receiptUrl ? (
        <Text style={{ ...styles.muted, marginTop: '16px' }}>
          The card statement receipt is at {props.receiptUrl}
        </Text>
      ) : null}
    </EmailLayout>
  );
}
