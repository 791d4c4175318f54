import 'server-only';
import { createHash } from 'node:crypto';
import { asService } from '@/lib/db';
import { AppError, toJson } from '@/lib/core';

/**
 * Repeatable answers for keyed requests (RFC-draft `Idempotency-Key`, as Stripe does it): the
 * first request with a key runs; a retry, concurrent or later, gets the same status and body
 * back (with `Idempotent-Replayed: true`); the same key on a different request is a 409. Answers
 * of 2xx and 4xx are kept for 24 hours; a 5xx is forgotten so that a retry runs again (the
 * value-moving SQL functions have their own keys, so running again never moves value twice).
 * A server-sent event stream reaches the client as it is produced and is kept once it ends.
 */

const WAIT_LIMIT_MS = 30_000;
const STORABLE = /json/;
const STREAMED = /^text\/event-stream/;

interface Claim {
  state: 'run' | 'running' | 'done' | 'conflict';
  runner: string | null;
  response_status: number | null;
  response_body: string | null;
  content_type: string | null;
}

export interface KeyedRequest {
  userId: string;
  method: string;
  path: string;
  key: string;
  /** The validated body, so formatting and key order do not make two requests differ. */
  body: unknown;
  /**
   * Top-level fields of a JSON answer that are never stored: a replay carries them as null (a
   * secret shown once stays shown once, and never rests in this table).
   */
  replayWithout?: readonly string[];
}

function fingerprint(request: KeyedRequest): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([name, item]) => [name, canonical(item)]),
      );
    }
    return value;
  };
  return createHash('sha256')
    .update(`${request.method} ${request.path}\n${toJson(canonical(request.body ?? null))}`)
    .digest('hex');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function replay(claim: Claim): Response {
  return new Response(claim.response_body, {
    status: claim.response_status!,
    headers: {
      'content-type': claim.content_type ?? 'application/json',
      'idempotent-replayed': 'true',
    },
  });
}

/** Runs `answer` once per (user, method and path, key) and replays its response to retries. */
export async function idempotent(
  request: KeyedRequest,
  answer: () => Promise<Response>,
): Promise<Response> {
  const route = `${request.method} ${request.path}`.slice(0, 300);
  const print = fingerprint(request);
  const started = Date.now();
  for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
    const [claim] = await asService(
      (tx) => tx<Claim[]>`
        select * from public.idempotency_claim(${request.userId}, ${route}, ${request.key}, ${print})`,
    );
    if (claim!.state === 'done') return replay(claim!);
    if (claim!.state === 'conflict') {
      throw new AppError(
        'idempotency_conflict',
        'This Idempotency-Key was already used for a different request.',
        { idempotencyKey: request.key },
      );
    }
    if (claim!.state === 'run') return run(request, route, claim!.runner!, answer);
    if (Date.now() - started > WAIT_LIMIT_MS) {
      throw new AppError(
        'conflict',
        'A request with this Idempotency-Key is still being processed; retry in a moment.',
        { idempotencyKey: request.key },
        { 'retry-after': '1' },
      );
    }
    await sleep(pause);
  }
}

async function run(
  request: KeyedRequest,
  route: string,
  runner: string,
  answer: () => Promise<Response>,
): Promise<Response> {
  let response: Response;
  try {
    response = await answer();
  } catch (error) {
    await forget(request, route, runner);
    throw error;
  }
  const type = response.headers.get('content-type') ?? '';
  const finish = (body: string) =>
    asService(
      (tx) => tx`
        select public.idempotency_finish(${request.userId}, ${route}, ${request.key}, ${runner},
          ${response.status}, ${storableBody(body, request.replayWithout)}, ${type})`,
    );
  if (response.status < 500 && STREAMED.test(type) && response.body) {
    // A stream goes to the client as it comes and is kept once it has ended, for retries.
    const [toClient, kept] = response.body.tee();
    void new Response(kept)
      .text()
      .then(finish)
      .catch(async (error: unknown) => {
        console.error('[idempotency] keeping a stream failed', error);
        await forget(request, route, runner).catch(() => {});
      });
    return new Response(toClient, { status: response.status, headers: response.headers });
  }
  if (response.status >= 500 || !STORABLE.test(type)) {
    await forget(request, route, runner);
    return response;
  }
  const body = await response.text();
  await finish(body);
  return new Response(body, { status: response.status, headers: response.headers });
}

async function forget(request: KeyedRequest, route: string, runner: string): Promise<void> {
  await asService(
    (tx) => tx`
      select public.idempotency_abandon(${request.userId}, ${route}, ${request.key}, ${runner})`,
  );
}

function storableBody(body: string, without: readonly string[] | undefined): string {
  if (!without?.length) return body;
  try {
    const parsed: unknown = JSON.parse(body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return body;
    const kept: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
    for (const field of without) if (field in kept) kept[field] = null;
    return JSON.stringify(kept);
  } catch {
    return body;
  }
}
