import { randomBytes } from 'node:crypto';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';
import { clearTokenCountCache, countTokensLinear } from '../lib/gateway/token-count';

/**
 * npx tsx bench/tokenizer.ts — the input token count (lib/gateway/token-count.ts) on the worst inputs
 * we can construct, at the largest size each request schema accepts, against js-tiktoken's
 * encode (the previous counter) on a small input of the same kind, measured in the same run.
 * The previous counter is quadratic in the length of one pre-token, so it only gets a small
 * sample; the ratio compares time per character. Budget: 50 ms for any one schema's largest text.
 */

const BUDGET_MS = 50;
const OLD_SAMPLE_CHARS = 2_000;
// The largest text each request schema accepts (zod .max of the field), in characters.
const SCHEMAS = {
  'completions prompt': 100_000, // app/api/ai/completions: prompt ≤ 100,000 (+ system ≤ 20,000)
  'chat part': 100_000, // lib/ai/chat-types.ts: part.text ≤ 100,000
  'embeddings value': 30_000, // lib/ai/embeddings.ts: each value ≤ 30,000
  'batch item': 8_000, // lib/ai/batch-submit.ts: each item ≤ 8,000
} as const;
const LARGEST = Math.max(...Object.values(SCHEMAS));

function repeatTo(unit: string, chars: number): string {
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars);
}

function randomText(chars: number, alphabet: (byte: number) => string): string {
  const bytes = randomBytes(chars);
  let out = '';
  for (const byte of bytes) out += alphabet(byte);
  return out.slice(0, chars);
}

const KINDS: Record<string, (chars: number) => string> = {
  'one letter (a…a)': (n) => repeatTo('a', n),
  'one capital (A…A)': (n) => repeatTo('A', n),
  'one digit (1…1)': (n) => repeatTo('1', n),
  'spaces then x': (n) => repeatTo(' ', n - 1) + 'x',
  'newlines and spaces': (n) => repeatTo(' \n', n),
  'punctuation (!…!)': (n) => repeatTo('!', n),
  'random bytes as latin-1': (n) => randomText(n, (b) => String.fromCharCode(b)),
  'random letters': (n) => randomText(n, (b) => String.fromCharCode(97 + (b % 26))),
  'random base64': (n) => randomBytes(n).toString('base64').slice(0, n),
  'random CJK': (n) => randomText(n, (b) => String.fromCharCode(0x4e00 + b * 37)),
  'one CJK char (漢…漢)': (n) => repeatTo('漢', n),
  'combining marks (é…)': (n) => 'e' + repeatTo('\u0301', n - 1),
  'emoji run (😀…)': (n) => repeatTo('😀', n),
  'random emoji': (n) => randomText(n / 2, (b) => String.fromCodePoint(0x1f300 + b)),
  'Thai run (ก…)': (n) => repeatTo('ก', n),
  'lone surrogates': (n) => repeatTo('\ud800', n),
  'ordinary prose': (n) =>
    repeatTo(
      'The gateway holds the worst case, calls the model and settles what it used. Credits ' +
        "are integers; nobody's balance goes below zero. ",
      n,
    ),
};

/** Median of `rounds` cold runs (no remembered counts); the CPU is shared, so not the best. */
function time(run: () => void, rounds: number): number {
  const runs: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    clearTokenCountCache();
    const started = performance.now();
    run();
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

function main(): void {
  const old = new Tiktoken(o200kBase);
  countTokensLinear('warm up the rank table');
  old.encode('warm up');
  console.log(`largest text per schema: ${JSON.stringify(SCHEMAS)}`);
  console.log(
    'kind'.padEnd(26) +
      'chars'.padStart(8) +
      'new ms'.padStart(9) +
      `old ms @${OLD_SAMPLE_CHARS}`.padStart(14) +
      'new ns/char'.padStart(13) +
      'old ns/char'.padStart(13) +
      'ratio'.padStart(8),
  );
  let worst = { kind: '', ms: 0, chars: 0 };
  for (const [kind, make] of Object.entries(KINDS)) {
    const text = make(LARGEST);
    const sample = make(OLD_SAMPLE_CHARS);
    const newMs = time(() => countTokensLinear(text), 5);
    const oldMs = time(() => old.encode(sample), 1);
    const newPerChar = (newMs * 1e6) / text.length;
    const oldPerChar = (oldMs * 1e6) / sample.length;
    // Same count as the previous counter on the sample, unless a pre-token was cut.
    const same = countTokensLinear(sample) === old.encode(sample).length ? '' : ' (cut)';
    if (newMs > worst.ms) worst = { kind, ms: newMs, chars: text.length };
    console.log(
      kind.padEnd(26) +
        String(text.length).padStart(8) +
        newMs.toFixed(2).padStart(9) +
        oldMs.toFixed(2).padStart(14) +
        newPerChar.toFixed(0).padStart(13) +
        oldPerChar.toFixed(0).padStart(13) +
        `${(oldPerChar / newPerChar).toFixed(0)}×`.padStart(8) +
        same,
    );
  }
  const verdict = worst.ms <= BUDGET_MS ? 'within' : 'OVER';
  console.log(
    `worst case: ${worst.kind}, ${worst.chars} chars in ${worst.ms.toFixed(2)} ms — ${verdict} ` +
      `the ${BUDGET_MS} ms budget`,
  );
}

main();
