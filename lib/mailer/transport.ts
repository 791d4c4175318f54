import 'server-only';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { env } from '@/lib/env';

/**
 * The SMTP connection: SMTP_URL (smtp://user:pass@host:587 upgrades with STARTTLS, smtps:// is
 * TLS from the start). `npm run dev` points it at its local catcher. One transport per URL; tests replace it with `useSmtpUrl`.
 */

let override: string | undefined;
let cached: { url: string; transport: Transporter } | undefined;

export function useSmtpUrl(url: string | undefined): void {
  override = url;
  cached?.transport.close();
  cached = undefined;
}

export function smtpUrl(): string | undefined {
  return override ?? env().SMTP_URL;
}

export function mailTransport(): Transporter | null {
  const url = smtpUrl();
  if (!url) return null;
  if (cached?.url !== url) {
    cached?.transport.close();
    const local = /^smtp:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url);
    cached = {
      url,
      transport: nodemailer.createTransport({
        url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
        // The local catcher speaks plain SMTP on the loopback interface.
        ...(local ? { ignoreTLS: true } : {}),
      } as SMTPTransport.Options),
    };
  }
  return cached.transport;
}
