import 'server-only';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type {
  ImageModelV3,
  ImageModelV3CallOptions,
  TranscriptionModelV3,
  TranscriptionModelV3CallOptions,
} from '@ai-sdk/provider';

/**
 * The built-in keyless media models (provider 'local') for demos and tests: a deterministic PNG
 * whose colours come from the prompt's hash, and a deterministic transcript derived from the
 * audio bytes, with the real duration read from a WAV header when there is one.
 */

const LOCAL_IMAGE_SIZE = 256;
/** Seconds assumed per byte of non-WAV audio in the local model (128 kbit/s). */
const LOCAL_BYTES_PER_SECOND = 16_000;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A size × size RGB PNG of a 4 × 4 grid whose colours are derived from the seed. */
function localPng(seed: string, size = LOCAL_IMAGE_SIZE): Uint8Array {
  const palette = createHash('sha256').update(seed).digest();
  const rowLength = size * 3 + 1;
  const raw = Buffer.alloc(rowLength * size);
  const cell = Math.ceil(size / 4);
  for (let y = 0; y < size; y += 1) {
    raw[y * rowLength] = 0; // filter: none
    for (let x = 0; x < size; x += 1) {
      const index = ((Math.floor(y / cell) * 4 + Math.floor(x / cell)) * 2) % 30;
      const offset = y * rowLength + 1 + x * 3;
      raw[offset] = palette[index]!;
      raw[offset + 1] = palette[index + 1]!;
      raw[offset + 2] = palette[index + 2]!;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The duration of a RIFF/WAVE file from its `fmt ` and `data` chunks, or null. */
export function wavDurationSeconds(bytes: Uint8Array): number | null {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 12 || view.toString('ascii', 0, 4) !== 'RIFF') return null;
  if (view.toString('ascii', 8, 12) !== 'WAVE') return null;
  let byteRate = 0;
  let offset = 12;
  while (offset + 8 <= view.length) {
    const id = view.toString('ascii', offset, offset + 4);
    const size = view.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && body + 12 <= view.length) byteRate = view.readUInt32LE(body + 8);
    if (id === 'data') {
      if (byteRate <= 0) return null;
      // Streamed WAVs may carry a placeholder size: count what is really there.
      const dataBytes = Math.min(size, view.length - body);
      return dataBytes / byteRate;
    }
    offset = body + size + (size % 2);
  }
  return null;
}

const WORDS = [
  'tollgate',
  'credits',
  'meter',
  'ledger',
  'wallet',
  'usage',
  'model',
  'price',
  'hold',
  'settle',
  'record',
  'audio',
  'demo',
  'local',
  'balance',
  'second',
];

function toBytes(audio: Uint8Array | string): Uint8Array {
  return typeof audio === 'string' ? Buffer.from(audio, 'base64') : audio;
}

export class LocalImageModel implements ImageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'local';
  readonly maxImagesPerCall = 4;

  constructor(readonly modelId: string) {}

  async doGenerate(options: ImageModelV3CallOptions) {
    if (options.abortSignal?.aborted) throw options.abortSignal.reason;
    const prompt = options.prompt ?? '';
    const images = Array.from({ length: options.n }, (_, index) =>
      localPng(`${this.modelId}\n${prompt}\n${options.seed ?? 0}\n${index}`),
    );
    return {
      images,
      warnings: [],
      response: { timestamp: new Date(), modelId: this.modelId, headers: undefined },
    };
  }
}

export class LocalTranscriptionModel implements TranscriptionModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'local';

  constructor(readonly modelId: string) {}

  async doGenerate(options: TranscriptionModelV3CallOptions) {
    if (options.abortSignal?.aborted) throw options.abortSignal.reason;
    const bytes = toBytes(options.audio);
    const seconds = wavDurationSeconds(bytes) ?? bytes.length / LOCAL_BYTES_PER_SECOND;
    const hash = createHash('sha256').update(bytes).digest();
    const count = Math.min(40, Math.max(3, Math.round(seconds * 2)));
    const words = Array.from({ length: count }, (_, i) => WORDS[hash[i % hash.length]! % 16]!);
    const text = `${words.join(' ')}.`;
    return {
      text: text.charAt(0).toUpperCase() + text.slice(1),
      segments: [{ text, startSecond: 0, endSecond: seconds }],
      language: 'en',
      durationInSeconds: seconds,
      warnings: [],
      response: { timestamp: new Date(), modelId: this.modelId },
    };
  }
}
