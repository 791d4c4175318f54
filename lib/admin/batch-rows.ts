import { z } from 'zod';
import { parseCredits } from '@/lib/credits/format';

/**
 * The rows of a batch credit operation, from JSON or CSV, checked the same way on the server
 * and in the admin page's preview (this module is safe in client components). Row numbers are
 * 1-based and count data rows only (the CSV header is not a row).
 */

const MAX_BATCH_ROWS = 5_000;
const MAX_CREDITS = 1_000_000n * 1_000_000n; // one million credits per row, like a single grant

type BatchTarget =
  | { kind: 'email'; value: string }
  | { kind: 'org'; value: string }
  | { kind: 'wallet'; value: string };

export interface BatchRow {
  row: number;
  target: BatchTarget;
  /** Micro-credits; negative is an adjustment (debit). */
  amount: bigint;
  expiresAt: string | null;
  key: string | null;
}

export interface BatchRowError {
  row: number;
  message: string;
}

/** One row as it arrives: JSON field names (CSV columns are mapped onto them). */
const rawBatchRow = z.object({
  wallet: z.string().optional(),
  email: z.string().optional(),
  orgSlug: z.string().optional(),
  credits: z.union([z.string(), z.number()]),
  expiresAt: z.string().nullish(),
  key: z.string().nullish(),
});
type RawBatchRow = z.input<typeof rawBatchRow>;

const email = z.email();
const uuid = z.uuid();
const slug = /^[a-z0-9][a-z0-9-]{1,62}$/;

function parseAmount(value: string | number): bigint | string {
  const text = String(value).trim();
  const negative = text.startsWith('-');
  try {
    const micro = parseCredits(negative ? text.slice(1) : text);
    if (micro === 0n) return 'Credits must not be zero.';
    if (micro > MAX_CREDITS) return 'At most 1,000,000 credits per row.';
    return negative ? -micro : micro;
  } catch {
    return `“${text}” is not an amount of credits (like 25, 12.5 or -3).`;
  }
}

/** Checks one row; the message names what is wrong in words an admin can act on. */
function checkBatchRow(
  input: unknown,
  row: number,
): { ok: true; value: BatchRow } | { ok: false; error: BatchRowError } {
  const fail = (message: string) => ({ ok: false as const, error: { row, message } });
  const parsed = rawBatchRow.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid row'}`);
  }
  const raw = parsed.data;
  const targets = [
    raw.wallet?.trim() ? ({ kind: 'wallet', value: raw.wallet.trim() } as const) : null,
    raw.email?.trim() ? ({ kind: 'email', value: raw.email.trim().toLowerCase() } as const) : null,
    raw.orgSlug?.trim()
      ? ({ kind: 'org', value: raw.orgSlug.trim().toLowerCase() } as const)
      : null,
  ].filter((target) => target !== null);
  if (targets.length !== 1) return fail('Give exactly one of a wallet id, an email or an org.');
  const target = targets[0]!;
  if (target.kind === 'email' && !email.safeParse(target.value).success) {
    return fail(`“${target.value}” is not an email address.`);
  }
  if (target.kind === 'wallet' && !uuid.safeParse(target.value).success) {
    return fail(`“${target.value}” is not a wallet id.`);
  }
  if (target.kind === 'org' && !slug.test(target.value)) {
    return fail(`“${target.value}” is not an org slug.`);
  }
  const amount = parseAmount(raw.credits);
  if (typeof amount === 'string') return fail(amount);

  let expiresAt: string | null = null;
  const expiry = raw.expiresAt?.trim();
  if (expiry) {
    const at = new Date(expiry);
    if (Number.isNaN(at.getTime())) return fail(`“${expiry}” is not a date (use 2026-12-31).`);
    if (amount < 0n) return fail('An adjustment (negative credits) has no expiry.');
    expiresAt = at.toISOString();
  }
  const key = raw.key?.trim() || null;
  if (key !== null && (key.length > 100 || !/^[\x21-\x7e]+$/.test(key))) {
    return fail('A key is 1 to 100 printable characters without spaces.');
  }
  return { ok: true, value: { row, target, amount, expiresAt, key } };
}

/** Checks every row and the batch as a whole (size, repeated keys). */
export function checkBatchRows(inputs: unknown[]): {
  rows: BatchRow[];
  errors: BatchRowError[];
} {
  const rows: BatchRow[] = [];
  const errors: BatchRowError[] = [];
  if (inputs.length === 0) errors.push({ row: 0, message: 'The batch has no rows.' });
  if (inputs.length > MAX_BATCH_ROWS) {
    errors.push({ row: 0, message: `A batch holds at most ${MAX_BATCH_ROWS} rows.` });
  }
  const keys = new Map<string, number>();
  inputs.forEach((input, index) => {
    const result = checkBatchRow(input, index + 1);
    if (!result.ok) {
      errors.push(result.error);
      return;
    }
    const { key, row } = result.value;
    const earlier = key === null ? undefined : keys.get(key);
    if (earlier !== undefined) {
      errors.push({ row, message: `The key “${key}” is also used by row ${earlier}.` });
      return;
    }
    if (key !== null) keys.set(key, row);
    rows.push(result.value);
  });
  return { rows, errors };
}

/** Splits CSV text into records (RFC 4180: quoted fields, doubled quotes, CRLF or LF). */
function splitCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  // Blank lines are not rows.
  return records.filter((fields) => fields.some((value) => value.trim() !== ''));
}

const COLUMNS: Record<string, keyof RawBatchRow> = {
  email: 'email',
  org: 'orgSlug',
  org_slug: 'orgSlug',
  wallet: 'wallet',
  wallet_id: 'wallet',
  credits: 'credits',
  expires_at: 'expiresAt',
  key: 'key',
};

/**
 * CSV with a header row: `email` or `org` (or `wallet`), `credits`, optional `expires_at` and
 * `key`. A header problem is reported as row 0.
 */
export function parseBatchCsv(text: string): {
  inputs: RawBatchRow[];
  errors: BatchRowError[];
} {
  const [header, ...records] = splitCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return { inputs: [], errors: [{ row: 0, message: 'The CSV is empty.' }] };
  const names = header.map((name) => name.trim().toLowerCase().replaceAll(' ', '_'));
  const unknown = names.filter((name) => !(name in COLUMNS));
  if (unknown.length > 0) {
    return {
      inputs: [],
      errors: [{ row: 0, message: `Unknown column “${unknown[0]}”.` }],
    };
  }
  const fields = names.map((name) => COLUMNS[name]!);
  if (!fields.includes('credits')) {
    return { inputs: [], errors: [{ row: 0, message: 'The header needs a “credits” column.' }] };
  }
  if (!fields.some((field) => field === 'email' || field === 'orgSlug' || field === 'wallet')) {
    return {
      inputs: [],
      errors: [{ row: 0, message: 'The header needs an “email”, “org” or “wallet” column.' }],
    };
  }
  const errors: BatchRowError[] = [];
  const inputs = records.map((record, index) => {
    if (record.length !== fields.length) {
      errors.push({
        row: index + 1,
        message: `Expected ${fields.length} fields, found ${record.length}.`,
      });
    }
    const row: Record<string, string> = {};
    fields.forEach((field, column) => {
      const value = record[column]?.trim() ?? '';
      if (value !== '') row[field] = value;
    });
    row.credits ??= '';
    return row as RawBatchRow;
  });
  return { inputs, errors };
}
