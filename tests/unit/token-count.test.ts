import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokens } from '@/lib/gateway/tokenizer';
import { PIECE_BYTES } from '@/lib/gateway/token-count';

const reference = new Tiktoken(o200kBase);

const ORDINARY = [
  'Hello, world!',
  "Tollgate holds the worst case, calls the model and settles what it used. It's 12:45 now.",
  'def settle(hold_id: int, actual: int) -> None:\n    """Posts the actual amount."""\n    return None\n',
  '{"model":"gpt-4o-mini","prompt":[{"role":"user","content":"Summarise this invoice"}]}',
  'Die Rechnung über 1.234,56 € ist fällig. Ça coûte très cher — naïve façade.',
  '東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.',
  'Emoji 😀🎉👩‍💻 and symbols ∑∫√ ≤ ≥ in one line\r\n\ttabbed\n\n\nspaced     out',
  'https://example.com/path?query=1&other=two#fragment and SELECT * FROM ledger;',
  'Привет, мир! Γειά σου κόσμε! שלום עולם! مرحبا بالعالم! नमस्ते दुनिया!',
];

describe('countTokens', () => {
  it('equals js-tiktoken (o200k_base) on ordinary text', () => {
    for (const text of ORDINARY) {
      expect(countTokens(text), text).toBe(reference.encode(text).length);
    }
    const book = ORDINARY.join('\n').repeat(40);
    expect(countTokens(book)).toBe(reference.encode(book).length);
  });

  it('is 0 for the empty string and counts special-token markers as text', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
  });

  it('cuts a pathological run into bounded pieces and still counts at least one token a piece', () => {
    const run = 'a'.repeat(100_000);
    const tokens = countTokens(run);
    expect(tokens).toBeGreaterThanOrEqual(Math.ceil(run.length / PIECE_BYTES));
    expect(tokens).toBeLessThanOrEqual(run.length);
    // A run shorter than a piece is not cut: the count is the reference's.
    expect(countTokens('a'.repeat(PIECE_BYTES))).toBe(
      reference.encode('a'.repeat(PIECE_BYTES)).length,
    );
  });
});
