import 'server-only';

/**
 * Email, the app's side: preferences, one-click unsubscribe, queueing an invitation's mail, and
 * the local mailbox of `npm run dev`. Rendering and SMTP delivery run in the worker (lib/mailer).
 */

export * from './schemas';
export { getEmailPreferences, setEmailPreferences, unsubscribe } from './preferences';
export { queueInvitationEmail } from './invitations';
export { openToken, unsubscribeToken, readUnsubscribeToken } from './secret';
export { localMailbox, readLocalMail, type CaughtMail } from './local-mailbox';
