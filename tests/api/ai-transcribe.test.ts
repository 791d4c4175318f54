import { beforeAll, describe, expect, it } from 'vitest';
import { POST as transcribe } from '../../app/api/ai/audio/transcribe/route';
import { startLocalSession } from '../../lib/auth/local-sessions';
import { db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, available, ledgerCheck, fundedUser } from '../helpers/ledger';
import { serveMockOpenAI } from '../helpers/gateway';

/** POST /api/ai/audio/transcribe: multipart or JSON, charged per second of audio × price. */

serveMockOpenAI();
let user: TestUser;
let wallet: string;

beforeAll(async () => {
  ({ user, wallet } = await fundedUser('Listener', 5n * CREDIT));
});

/** A 16 kHz mono 16-bit PCM WAV of the given length (byte rate 32,000). */
function wav(seconds: number, seed = 0): Uint8Array {
  const dataBytes = Math.round(seconds * 32_000);
  const file = Buffer.alloc(44 + dataBytes);
  file.write('RIFF', 0, 'ascii');
  file.writeUInt32LE(36 + dataBytes, 4);
  file.write('WAVEfmt ', 8, 'ascii');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(1, 20); // PCM
  file.writeUInt16LE(1, 22); // mono
  file.writeUInt32LE(16_000, 24);
  file.writeUInt32LE(32_000, 28);
  file.writeUInt16LE(2, 32);
  file.writeUInt16LE(16, 34);
  file.write('data', 36, 'ascii');
  file.writeUInt32LE(dataBytes, 40);
  for (let i = 44; i < file.length; i += 1) file[i] = (i * 31 + seed) & 0xff;
  return file;
}

async function multipart(fields: Record<string, string>, file?: Blob, who: TestUser = user) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  if (file) form.set('file', file, 'audio.bin');
  const token = await startLocalSession({ id: who.id, email: who.email });
  return transcribe(
    new Request('http://localhost:3000/api/ai/audio/transcribe', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    }),
  );
}

/** ms × per_audio_second / 1000 × credits/USD × markup, rounded up once. */
async function expected(model: string, ms: number): Promise<bigint> {
  const [row] = await db()<{ charge: bigint }[]>`
    select ceil(${ms}::numeric * p.per_audio_second * s.credits_per_usd * s.markup_bps / 1e7)::bigint as charge
    from public.ai_model_prices p cross join public.ai_settings s
    where p.model_id = ${model} order by p.effective_from desc limit 1`;
  return row!.charge;
}

interface Answer {
  text: string;
  durationSeconds: number;
  status: string;
  usage: { audioSeconds: number };
  creditsUsed: string;
  balance: string;
}

async function lastEvent() {
  const [row] = await db()<
    { operation: string; audio_seconds: string; credits_charged: bigint; success: boolean }[]
  >`select operation, audio_seconds::text, credits_charged, success
    from public.usage_events where subject_id = ${user.id} order by id desc limit 1`;
  return row!;
}

async function lastHold() {
  const [row] = await db()<{ amount: bigint; posted_amount: bigint | null; status: string }[]>`
    select amount, posted_amount, status from public.holds where account_id = ${wallet}
    order by id desc limit 1`;
  return row!;
}

const audioBlob = (bytes: Uint8Array, type: string) => new Blob([Buffer.from(bytes)], { type });

async function holdCount(): Promise<bigint> {
  const [row] = await db()<{ count: bigint }[]>`select count(*)::bigint as count from public.holds`;
  return row!.count;
}

describe('POST /api/ai/audio/transcribe', () => {
  it('the local model: real duration from the WAV header, a deterministic transcript', async () => {
    const before = await available(wallet);
    const response = await multipart(
      { model: 'local-transcribe' },
      audioBlob(wav(2.5), 'audio/wav'),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Answer;
    expect(body).toMatchObject({ status: 'charged', durationSeconds: 2.5 });
    expect(body.text.length).toBeGreaterThan(5);
    // 2.5 s × 20 µUSD × 10 credits/USD × 1.5 = 750 µcredits.
    expect(body.creditsUsed).toBe('750');
    expect(BigInt(body.creditsUsed)).toBe(await expected('local-transcribe', 2_500));
    expect(await available(wallet)).toBe(before - 750n);
    expect(await lastEvent()).toMatchObject({
      operation: 'transcription',
      audio_seconds: '2.500',
      credits_charged: 750n,
    });
    const again = (await (
      await multipart({ model: 'local-transcribe' }, audioBlob(wav(2.5), 'audio/wav'))
    ).json()) as Answer;
    expect(again.text).toBe(body.text);
  });

  it('whisper-1 over HTTP: charged by the duration the provider reports', async () => {
    const before = await available(wallet);
    const response = await multipart({ model: 'whisper-1' }, audioBlob(wav(3), 'audio/wav'));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Answer;
    const charge = await expected('whisper-1', 3_000);
    expect(charge).toBe(4_500n); // 3 s × 100 µUSD (0.006 USD/min) × 15
    expect(body).toMatchObject({ status: 'charged', usage: { audioSeconds: 3 } });
    expect(body.creditsUsed).toBe(charge.toString());
    expect(await available(wallet)).toBe(before - charge);

    // A compressed file: the hold covers its size at 8 kbit/s; the reported 12.25 s is charged.
    const mp3 = new Uint8Array(48_000).fill(7);
    const reported = (await (
      await multipart(
        { model: 'whisper-1', prompt: 'duration=12.25' },
        audioBlob(mp3, 'audio/mpeg'),
      )
    ).json()) as Answer;
    expect(reported.creditsUsed).toBe((await expected('whisper-1', 12_250)).toString());
    const hold = await lastHold();
    expect(hold.amount).toBe(await expected('whisper-1', 48_000));
    expect(hold.posted_amount).toBe(BigInt(reported.creditsUsed));
  });

  it('JSON with base64 audio works the same way', async () => {
    const response = await transcribe(
      await request('/api/ai/audio/transcribe', {
        user,
        body: {
          model: 'gpt-4o-mini-transcribe',
          audio: Buffer.from(wav(1)).toString('base64'),
          mediaType: 'audio/wav',
          language: 'en',
        },
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Answer;
    expect(body.creditsUsed).toBe((await expected('gpt-4o-mini-transcribe', 1_000)).toString());
    expect(body.creditsUsed).toBe('750');
  });

  it('no reported duration: the WAV header decides; with neither, the hold is charged', async () => {
    const fromHeader = (await (
      await multipart(
        { model: 'whisper-1', prompt: 'mode=no-usage' },
        audioBlob(wav(2), 'audio/wav'),
      )
    ).json()) as Answer;
    expect(fromHeader).toMatchObject({ status: 'charged', durationSeconds: 2 });
    expect(fromHeader.creditsUsed).toBe((await expected('whisper-1', 2_000)).toString());

    const unknown = (await (
      await multipart(
        { model: 'whisper-1', prompt: 'mode=no-usage' },
        audioBlob(new Uint8Array(10_000).fill(3), 'audio/ogg'),
      )
    ).json()) as Answer;
    expect(unknown.status).toBe('held');
    const hold = await lastHold();
    expect(hold.amount).toBe(await expected('whisper-1', 10_000));
    expect(unknown.creditsUsed).toBe(hold.amount.toString());
  });

  it('a provider error voids the hold and charges nothing', async () => {
    const before = await available(wallet);
    const response = await multipart(
      { model: 'whisper-1', prompt: 'mode=error-before' },
      audioBlob(wav(1), 'audio/wav'),
    );
    expect(response.status).toBe(503);
    expect(await available(wallet)).toBe(before);
    expect((await lastHold()).status).toBe('voided');
    expect(await lastEvent()).toMatchObject({ success: false, credits_charged: 0n });
  });

  it('bad bodies are rejected with problem+json and write nothing', async () => {
    const before = await holdCount();
    const cases: [Promise<Response>, number][] = [
      [multipart({ model: 'whisper-1' }), 422],
      [multipart({ model: 'whisper-1' }, audioBlob(wav(1), 'text/plain')), 422],
      [multipart({ model: 'whisper-1' }, audioBlob(new Uint8Array(0), 'audio/wav')), 422],
      [multipart({}, audioBlob(wav(1), 'audio/wav')), 422],
      [multipart({ model: 'whisper-1', language: 'english' }, audioBlob(wav(1), 'audio/wav')), 422],
      [multipart({ model: 'local-demo' }, audioBlob(wav(1), 'audio/wav')), 422],
      [
        multipart(
          { model: 'whisper-1' },
          audioBlob(new Uint8Array(25 * 1024 * 1024 + 1), 'audio/wav'),
        ),
        422,
      ],
      [
        transcribe(
          await request('/api/ai/audio/transcribe', {
            user,
            body: { model: 'whisper-1', audio: 'not base64!' },
          }),
        ),
        422,
      ],
      [
        transcribe(
          await request('/api/ai/audio/transcribe', {
            user,
            body: 'hello',
            headers: { 'content-type': 'text/plain' },
          }),
        ),
        400,
      ],
    ];
    for (const [pending, status] of cases) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const after = await holdCount();
    expect(after).toBe(before);
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});
