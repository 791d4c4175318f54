// Pure computation without secrets: no 'server-only' guard, so bench/tokenizer.ts runs it as is.
import o200kBase from 'js-tiktoken/ranks/o200k_base';

/**
 * Token counts in linear time. The BPE of js-tiktoken rescans a whole pre-token for every merge:
 * one run of 100,000 equal letters is one pre-token and cost minutes of CPU. Here every pre-token
 * longer than PIECE_BYTES is cut into pieces of that size before merging, so one merge loop costs
 * O(PIECE_BYTES²) at most and a text costs O(length). Ordinary pre-tokens (words, numbers,
 * punctuation runs) are far shorter than a piece, so their counts equal js-tiktoken's exactly.
 */

/** Longest byte run merged as one; longer pre-tokens (never seen in ordinary text) are cut. */
export const PIECE_BYTES = 64;
const CACHE_ENTRIES = 65_536;
const CACHED_CHARS = 64;
const ASCII = /^[\x00-\x7f]*$/;
/** Tokens up to this many bytes are keyed by a number: 6 bytes and the length fit in 2^53. */
const SHORT_BYTES = 6;

interface RankTable {
  /** Ranks of 2-byte tokens, indexed by (b0 << 8) | b1; -1 when absent. */
  pairs: Int32Array;
  /** Ranks of 3- to 6-byte tokens: an open-addressing table keyed by two 32-bit words. */
  short: ShortTable;
  /** Ranks of longer tokens by their byte string (one char per byte). */
  long: Map<string, number>;
}

let table: RankTable | undefined;
let longest = 0;
let splitter: RegExp | undefined;
const cache = new Map<string, number>();

/**
 * 3- to 6-byte tokens in typed arrays, probed linearly: no boxed keys and no allocation per
 * lookup, which matters because a count looks one up for every candidate merge.
 */
interface ShortTable {
  low: Int32Array;
  high: Int32Array;
  rank: Int32Array;
  mask: number;
}
const SHORT_SLOTS = 1 << 18; // above twice the number of 3- to 6-byte tokens in o200k_base

/** The first four bytes, and the length with the rest, of bytes[from..to). */
function words(bytes: string, from: number, to: number): [number, number] {
  let low = 0;
  const split = Math.min(from + 4, to);
  for (let i = from; i < split; i += 1) low = (low << 8) | bytes.charCodeAt(i);
  let high = to - from;
  for (let i = split; i < to; i += 1) high = (high << 8) | bytes.charCodeAt(i);
  return [low, high];
}

function slotOf(table: ShortTable, low: number, high: number): number {
  return ((Math.imul(low, 0x9e3779b1) ^ Math.imul(high, 0x85ebca77)) >>> 0) & table.mask;
}

function shortInsert(table: ShortTable, bytes: string, rank: number): void {
  const [low, high] = words(bytes, 0, bytes.length);
  let slot = slotOf(table, low, high);
  while (table.rank[slot] !== -1) slot = (slot + 1) & table.mask;
  table.low[slot] = low;
  table.high[slot] = high;
  table.rank[slot] = rank;
}

function shortRank(table: ShortTable, bytes: string, from: number, to: number): number {
  // The two words of `words`, computed inline: this runs for every candidate merge, so no array.
  let low = 0;
  const split = Math.min(from + 4, to);
  for (let i = from; i < split; i += 1) low = (low << 8) | bytes.charCodeAt(i);
  let high = to - from;
  for (let i = split; i < to; i += 1) high = (high << 8) | bytes.charCodeAt(i);
  for (let slot = slotOf(table, low, high); ; slot = (slot + 1) & table.mask) {
    const rank = table.rank[slot]!;
    if (rank === -1) return Infinity;
    if (table.low[slot] === low && table.high[slot] === high) return rank;
  }
}

function rankTable(): RankTable {
  if (table) return table;
  const built: RankTable = {
    pairs: new Int32Array(65_536).fill(-1),
    short: {
      low: new Int32Array(SHORT_SLOTS),
      high: new Int32Array(SHORT_SLOTS),
      rank: new Int32Array(SHORT_SLOTS).fill(-1),
      mask: SHORT_SLOTS - 1,
    },
    long: new Map(),
  };
  for (const line of o200kBase.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const [, offset, ...tokens] = line.split(' ');
    const first = Number.parseInt(offset ?? '0', 10);
    tokens.forEach((token, index) => {
      const bytes = atob(token);
      const rank = first + index;
      if (bytes.length > longest) longest = bytes.length;
      if (bytes.length === 2) built.pairs[(bytes.charCodeAt(0) << 8) | bytes.charCodeAt(1)] = rank;
      else if (bytes.length >= 3 && bytes.length <= SHORT_BYTES)
        shortInsert(built.short, bytes, rank);
      else if (bytes.length > SHORT_BYTES) built.long.set(bytes, rank);
    });
  }
  table = built;
  return built;
}

/** Rank of bytes[from..to) as one token, Infinity when it is none. */
function rankOf(ranks: RankTable, bytes: string, from: number, to: number): number {
  const length = to - from;
  if (length === 2) {
    const rank = ranks.pairs[(bytes.charCodeAt(from) << 8) | bytes.charCodeAt(from + 1)]!;
    return rank < 0 ? Infinity : rank;
  }
  if (length <= SHORT_BYTES) return shortRank(ranks.short, bytes, from, to);
  return ranks.long.get(bytes.slice(from, to)) ?? Infinity;
}

// Scratch space for mergeCount, reused by every call (pieces are at most PIECE_BYTES long).
const starts = new Int32Array(PIECE_BYTES + 2);
const pairRanks = new Float64Array(PIECE_BYTES + 2);

/**
 * Number of tokens BPE makes of `bytes` (at most PIECE_BYTES): js-tiktoken's merge order, the
 * lowest rank first and the leftmost of equal ranks, on reused typed arrays (no allocation).
 */
function mergeCount(bytes: string, ranks: RankTable): number {
  const n = bytes.length;
  if (n < 2) return n;
  if (rankOf(ranks, bytes, 0, n) !== Infinity) return 1;
  // Part i spans starts[i]..starts[i + 1]; pairRanks[i] is the rank of parts i and i + 1 merged.
  for (let i = 0; i <= n; i += 1) starts[i] = i;
  for (let i = 0; i + 1 < n; i += 1) pairRanks[i] = rankOf(ranks, bytes, i, i + 2);
  pairRanks[n - 1] = Infinity;
  let parts = n;
  while (parts > 1) {
    let at = -1;
    let min = Infinity;
    for (let i = 0; i < parts - 1; i += 1) {
      if (pairRanks[i]! < min) {
        min = pairRanks[i]!;
        at = i;
      }
    }
    if (at < 0) break;
    // Merge parts at and at + 1: shift what follows one place left.
    starts.copyWithin(at + 1, at + 2, parts + 1);
    pairRanks.copyWithin(at + 1, at + 2, parts);
    parts -= 1;
    pairRanks[at] = at + 1 < parts ? rankOf(ranks, bytes, starts[at]!, starts[at + 2]!) : Infinity;
    if (at > 0) pairRanks[at - 1] = rankOf(ranks, bytes, starts[at - 1]!, starts[at + 1]!);
  }
  return parts;
}

/** The last pieces counted, and their counts (see countPreToken). */
const recent: string[] = new Array<string>(8).fill('');
const recentCounts = new Int32Array(8);

function countPreToken(text: string, ranks: RankTable): number {
  const cacheable = text.length <= CACHED_CHARS;
  if (cacheable) {
    const hit = cache.get(text);
    if (hit !== undefined) return hit;
  }
  const bytes = ASCII.test(text) ? text : Buffer.from(text, 'utf8').toString('latin1');
  if (bytes.length <= PIECE_BYTES) {
    const count = mergeCount(bytes, ranks);
    if (cacheable) remember(text, count);
    return count;
  }
  // A long pre-token is cut into pieces. The pieces of a run repeat (one letter: one piece; a
  // 3-byte character: three phases of 64 bytes), so the last few pieces' counts are kept in a
  // small ring and reused; random text never repeats and costs the ring nothing but a compare.
  let count = 0;
  recent.fill('');
  let next = 0;
  for (let from = 0; from < bytes.length; from += PIECE_BYTES) {
    const piece = bytes.slice(from, from + PIECE_BYTES);
    const seen = recent.indexOf(piece);
    if (seen >= 0) {
      count += recentCounts[seen]!;
      continue;
    }
    const tokens = mergeCount(piece, ranks);
    recent[next] = piece;
    recentCounts[next] = tokens;
    next = (next + 1) % recent.length;
    count += tokens;
  }
  if (cacheable) remember(text, count);
  return count;
}

/**
 * The fewest tokens `bytes` UTF-8 bytes can be: no token is longer than the vocabulary's longest.
 * A lower bound that costs nothing to compute, for refusals that must come before counting.
 */
export function minTokensForBytes(bytes: number): number {
  rankTable();
  return Math.ceil(bytes / longest);
}

/** Forgets remembered counts (for benchmarks: every timed run starts cold). */
export function clearTokenCountCache(): void {
  cache.clear();
}

function remember(key: string, tokens: number): void {
  if (cache.size >= CACHE_ENTRIES) cache.clear();
  cache.set(key, tokens);
}

/**
 * o200k_base token count of `text`, equal to js-tiktoken's on ordinary text; special-token
 * markers such as <|endoftext|> are counted as the plain text they are.
 */
export function countTokensLinear(text: string): number {
  if (text === '') return 0;
  const ranks = rankTable();
  splitter ??= new RegExp(o200kBase.pat_str, 'gu');
  const pattern = new RegExp(splitter);
  let count = 0;
  for (const match of text.matchAll(pattern)) count += countPreToken(match[0], ranks);
  return count;
}
