import 'server-only';

/**
 * Email delivery, run by the worker: React Email templates rendered to HTML and text, sent over
 * SMTP (nodemailer) from the outbox. The app never imports it; it queues mail in SQL and lib/email.
 */

export { emailJobs } from './jobs';
export { sendDueEmails, setEmailRetryPolicy, type SendResult } from './send';
export { renderEmail, type OutboxEmail, type RenderedEmail } from './render';
export { useSmtpUrl } from './transport';
