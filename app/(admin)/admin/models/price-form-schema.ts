import { z } from 'zod';

/**
 * The price form as people fill it (US dollars, up to six decimals) and the action's input
 * (integer micro-USD as decimal strings). Safe in client components.
 */

export interface PriceFormValues {
  input: string;
  cachedInput: string;
  output: string;
  perImage: string;
  perAudioSecond: string;
  /** Empty = from now; else a local date-time from <input type="datetime-local">. */
  effectiveFrom: string;
}

const MAX_MICRO_USD = 1_000_000_000n; // 1,000 USD, the catalog's limit per unit

/** "2.5" → 2500000n; null when the text is not a dollar amount with at most six decimals. */
function usdToMicro(text: string): bigint | null {
  const match = /^\s*\$?\s*(\d{1,4})(?:\.(\d{1,6}))?\s*$/.exec(text);
  if (!match) return null;
  return BigInt(match[1]!) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
}

/** 2500000n → "2.50" (at least two decimals, at most six, no trailing zeros past two). */
export function microToUsd(micro: bigint): string {
  const whole = micro / 1_000_000n;
  const fraction = (micro % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

const usd = (label: string) =>
  z.string().transform((text, ctx) => {
    const micro = usdToMicro(text === '' ? '0' : text);
    if (micro !== null && micro <= MAX_MICRO_USD) return micro.toString();
    ctx.addIssue({
      code: 'custom',
      message: `${label}: enter dollars like 2.5 or 0.075 (up to 1000).`,
    });
    return z.NEVER;
  });

/** Form values → the action's input; the effective date must not be in the past. */
export const priceForm = z.object({
  input: usd('Input per 1M tokens'),
  cachedInput: usd('Cached input per 1M tokens'),
  output: usd('Output per 1M tokens'),
  perImage: usd('Per image'),
  perAudioSecond: usd('Per audio second'),
  effectiveFrom: z.string().transform((text, ctx) => {
    if (text.trim() === '') return undefined;
    const at = new Date(text);
    if (Number.isNaN(at.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'Effective from: pick a date and time.' });
      return z.NEVER;
    }
    if (at.getTime() < Date.now() - 60_000) {
      ctx.addIssue({
        code: 'custom',
        message: 'Effective from: a price cannot start in the past (past usage keeps its price).',
      });
      return z.NEVER;
    }
    return at.toISOString();
  }),
});

const microUsd = z.string().regex(/^\d{1,10}$/, 'must be whole micro-USD');

/** What the server action accepts: micro-USD as decimal strings. */
export const priceAction = z.object({
  modelId: z.string().min(1).max(64),
  inputPerMtok: microUsd,
  cachedInputPerMtok: microUsd,
  outputPerMtok: microUsd,
  perImage: microUsd,
  perAudioSecond: microUsd,
  effectiveFrom: z.iso.datetime({ offset: true }).optional(),
});
