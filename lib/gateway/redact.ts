/**
 * Removes personal data from text before it is stored (conversation messages, templates, batch
 * items): e-mail addresses and card-like numbers (13 to 19 digits, optionally grouped by spaces
 * or dashes). What the model sees is unchanged; only what Tollgate keeps is redacted.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD_LIKE = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

const REDACTED_EMAIL = '[email]';
const REDACTED_CARD = '[card number]';

export function redactPii(text: string): string {
  return text.replace(EMAIL, REDACTED_EMAIL).replace(CARD_LIKE, REDACTED_CARD);
}
