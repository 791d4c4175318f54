import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The local SMTP catcher `npm run dev` starts: a real SMTP server on 127.0.0.1 (no account, no
 * key, any login accepted) that keeps every message as one JSON file in `dir`, which the app's
 * /dev/mail page lists and renders. Nothing it receives leaves the machine.
 */

export interface MailCatcher {
  url: string;
  port: number;
  close(): Promise<void>;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((entry) => entry.value.map((item) => item.address ?? item.name));
}

export async function startMailCatcher(options: {
  dir: string;
  port?: number;
}): Promise<MailCatcher> {
  await mkdir(options.dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'Tollgate local mail catcher',
    size: 10 * 1024 * 1024,
    logger: false,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'local' }),
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          const receivedAt = new Date();
          // Sortable by name: newest last.
          const id = `${receivedAt.getTime()}-${randomUUID().slice(0, 8)}`;
          const headers: Record<string, string> = {};
          // As sent (mailparser turns some, like List-Unsubscribe, into objects).
          for (const { key, line } of mail.headerLines) {
            headers[key] = line.slice(line.indexOf(':') + 1).trim();
          }
          const record = {
            id,
            receivedAt: receivedAt.toISOString(),
            from:
              mail.from?.text ??
              (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            to: addresses(mail.to).length
              ? addresses(mail.to)
              : session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? '(no subject)',
            html: typeof mail.html === 'string' ? mail.html : '',
            text: mail.text ?? '',
            headers,
          };
          await writeFile(path.join(options.dir, `${id}.json`), JSON.stringify(record));
          callback();
        })
        .catch((error: unknown) =>
          callback(error instanceof Error ? error : new Error(String(error))),
        );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
