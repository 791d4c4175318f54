import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, callApi } from '@/lib/api/client';

/** The browser API client turns problem+json answers into sentences people can act on. */

const problem = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

function answer(response: Response | Error) {
  vi.stubGlobal(
    'fetch',
    vi.fn(() => (response instanceof Error ? Promise.reject(response) : Promise.resolve(response))),
  );
}

async function messageOf(run: Promise<unknown>) {
  const error = await run.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return { message: (error as ApiError).message, status: (error as ApiError).status };
}

afterEach(() => vi.unstubAllGlobals());

describe('callApi', () => {
  it('returns the body of a 2xx answer', async () => {
    answer(Response.json({ ok: true }));
    expect(await callApi('/api/x')).toEqual({ ok: true });
  });

  it('names the first invalid field by its label', async () => {
    answer(
      problem(422, {
        title: 'Invalid input',
        errors: [{ path: 'body.url', message: 'must use https' }],
      }),
    );
    expect(await messageOf(callApi('/api/x', {}, { 'body.url': 'The URL' }))).toEqual({
      message: 'The URL must use https.',
      status: 422,
    });
  });

  it('falls back to the detail, then the title, then a generic sentence', async () => {
    answer(problem(402, { title: 'Payment required', detail: 'You need 3 more credits.' }));
    expect((await messageOf(callApi('/api/x'))).message).toBe('You need 3 more credits.');
    answer(problem(409, { title: 'Conflict' }));
    expect((await messageOf(callApi('/api/x'))).message).toBe('Conflict');
    answer(new Response('<html>oops</html>', { status: 500 }));
    expect(await messageOf(callApi('/api/x'))).toEqual({
      message: 'Something went wrong. Try again in a moment.',
      status: 500,
    });
  });

  it('says when the session ended or the network failed', async () => {
    answer(problem(401, { title: 'Unauthorized' }));
    expect((await messageOf(callApi('/api/x'))).message).toMatch(/Sign in again/);
    answer(new TypeError('fetch failed'));
    expect(await messageOf(callApi('/api/x'))).toEqual({
      message: 'Could not reach Tollgate. Check your connection and retry.',
      status: 0,
    });
  });

  it("sends the caller's headers with its own, and keeps the problem members", async () => {
    const fetchMock = vi.fn((_url: string, _init: RequestInit) =>
      Promise.resolve(problem(402, { detail: 'Short.', needed: '5', available: '1' })),
    );
    vi.stubGlobal('fetch', fetchMock);
    const error = await callApi('/api/x', {
      method: 'POST',
      headers: { 'idempotency-key': 'k-1' },
      body: '{}',
    }).catch((caught: unknown) => caught);
    const headers = new Headers(fetchMock.mock.calls[0]![1].headers);
    expect(headers.get('idempotency-key')).toBe('k-1');
    expect(headers.get('content-type')).toBe('application/json');
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem).toMatchObject({ needed: '5', available: '1' });
  });
});
