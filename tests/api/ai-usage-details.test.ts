import { beforeAll, describe, expect, it } from 'vitest';
import { GET as details } from '../../app/api/ai/usage/details/route';
import { createOrg, createUser, db, request, type TestUser } from '../helpers/fixtures';

/** GET /api/ai/usage/details: per-call rows, keyset pagination, filters and who sees what. */

let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let member: TestUser;
let orgId: string;

const base = Date.parse('2026-11-20T12:00:00Z');
const at = (minutes: number) => new Date(base + minutes * 60_000);

interface Event {
  subject: ['user' | 'org', string];
  actor: string;
  at: Date;
  model?: string;
  provider?: string;
  operation?: string;
  feature?: string;
  status?: string;
  success?: boolean;
  source?: 'platform' | 'byok';
  cached?: boolean;
  images?: number;
  audioSeconds?: string;
  credits?: bigint;
}

async function insert(event: Event): Promise<void> {
  await db()`
    insert into public.usage_events (occurred_at, subject_kind, subject_id, actor_id, source, provider, model,
      operation, feature, input_tokens, output_tokens, cached_tokens, images, audio_seconds, latency_ms,
      credits_charged, cached, success, metadata)
    values (${event.at}, ${event.subject[0]}, ${event.subject[1]}, ${event.actor}, ${event.source ?? 'platform'},
      ${event.provider ?? 'openai'}, ${event.model ?? 'gpt-4o-mini'}, ${event.operation ?? 'chat'},
      ${event.feature ?? 'assistant'}, 20, 5, 2, ${event.images ?? 0}, ${event.audioSeconds ?? '0'}::numeric,
      123, ${(event.credits ?? 90n).toString()}::bigint, ${event.cached ?? false}, ${event.success ?? true},
      ${db().json(event.status ? { status: event.status } : {})})`;
}

beforeAll(async () => {
  alice = await createUser('Alice');
  bob = await createUser('Bob');
  admin = await createUser('Admin');
  member = await createUser('Member');
  orgId = (
    await createOrg(alice, [
      { user: admin, role: 'admin' },
      { user: member, role: 'member' },
    ])
  ).id;
  const mine: ['user', string] = ['user', alice.id];
  await insert({ subject: mine, actor: alice.id, at: at(0), status: 'charged' });
  await insert({ subject: mine, actor: alice.id, at: at(1), status: 'voided', success: false });
  // Two calls at the same instant: the id breaks the tie, so no page repeats or skips a row.
  await insert({
    subject: mine,
    actor: alice.id,
    at: at(2),
    operation: 'image',
    model: 'gpt-image-1',
    images: 2,
    status: 'charged',
  });
  await insert({
    subject: mine,
    actor: alice.id,
    at: at(2),
    operation: 'transcription',
    model: 'whisper-1',
    audioSeconds: '12.250',
    feature: 'notes',
    status: 'charged',
  });
  await insert({
    subject: mine,
    actor: alice.id,
    at: at(3),
    status: 'byok',
    source: 'byok',
    credits: 0n,
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
  });
  await insert({
    subject: mine,
    actor: alice.id,
    at: at(4),
    status: 'cached',
    cached: true,
    credits: 0n,
  });
  await insert({ subject: ['user', bob.id], actor: bob.id, at: at(5), status: 'charged' });
  const org: ['org', string] = ['org', orgId];
  await insert({ subject: org, actor: alice.id, at: at(6), status: 'charged' });
  await insert({ subject: org, actor: admin.id, at: at(7), status: 'charged' });
  await insert({ subject: org, actor: member.id, at: at(8), status: 'charged' });
});

interface Row {
  id: string;
  time: string;
  actorId: string | null;
  model: string;
  provider: string;
  operation: string;
  feature: string;
  inputTokens: string;
  outputTokens: string;
  cachedTokens: string;
  images: number;
  audioSeconds: number;
  latencyMs: number;
  creditsCharged: string;
  cached: boolean;
  byok: boolean;
  status: string;
}
interface Page {
  rows: Row[];
  nextCursor: string | null;
}

async function get(user: TestUser, query = ''): Promise<Response> {
  return details(await request(`/api/ai/usage/details${query}`, { user }));
}

async function page(user: TestUser, query = ''): Promise<Page> {
  const response = await get(user, query);
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
}

describe('GET /api/ai/usage/details', () => {
  it('pages through every call, newest first, without repeats or gaps', async () => {
    const seen: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const result = await page(alice, query);
      expect(result.rows.length).toBeLessThanOrEqual(2);
      seen.push(...result.rows);
      cursor = result.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((row) => row.id)).size).toBe(6);
    const times = seen.map((row) => Date.parse(row.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const all = await page(alice);
    expect(all.rows.map((row) => row.id)).toEqual(seen.map((row) => row.id));
    expect(all.nextCursor).toBeNull();
  });

  it('each row carries what the call used and cost', async () => {
    const { rows } = await page(alice);
    expect(rows.find((row) => row.operation === 'image')).toMatchObject({
      model: 'gpt-image-1',
      provider: 'openai',
      images: 2,
      inputTokens: '20',
      outputTokens: '5',
      cachedTokens: '2',
      latencyMs: 123,
      creditsCharged: '90',
      cached: false,
      byok: false,
      status: 'charged',
      actorId: alice.id,
    });
    expect(rows.find((row) => row.operation === 'transcription')).toMatchObject({
      audioSeconds: 12.25,
      feature: 'notes',
    });
    expect(rows.find((row) => row.byok)).toMatchObject({ provider: 'anthropic', status: 'byok' });
    expect(rows.find((row) => row.cached)).toMatchObject({ status: 'cached', creditsCharged: '0' });
  });

  it('filters by model, feature, operation, status and time', async () => {
    const ids = async (query: string) => (await page(alice, query)).rows.length;
    expect(await ids('?model=whisper-1')).toBe(1);
    expect(await ids('?feature=notes')).toBe(1);
    expect(await ids('?operation=chat')).toBe(4);
    expect(await ids('?status=voided')).toBe(1);
    expect(await ids('?status=failed')).toBe(1);
    expect(await ids('?status=byok')).toBe(1);
    expect(await ids('?status=charged')).toBe(3);
    expect(await ids(`?from=${at(2).toISOString()}&to=${at(3).toISOString()}`)).toBe(3);
    expect(await ids('?model=gpt-4o-mini&status=charged')).toBe(1);
  });

  it('another user sees none of it; org owners and admins see all members, members their own', async () => {
    const own = await page(bob);
    expect(own.rows).toHaveLength(1);
    expect(own.rows[0]!.actorId).toBe(bob.id);
    expect((await get(bob, `?orgId=${orgId}`)).status).toBe(403);

    const actors = async (user: TestUser) =>
      (await page(user, `?orgId=${orgId}`)).rows.map((row) => row.actorId).sort();
    const everyone = [alice.id, admin.id, member.id].sort();
    expect(await actors(alice)).toEqual(everyone);
    expect(await actors(admin)).toEqual(everyone);
    expect(await actors(member)).toEqual([member.id]);
  });

  it('bad queries are 422', async () => {
    for (const query of [
      '?limit=0',
      '?limit=101',
      '?operation=dance',
      '?status=maybe',
      '?cursor=garbage',
      `?from=${at(5).toISOString()}&to=${at(1).toISOString()}`,
      '?from=yesterday',
      '?orgId=not-a-uuid',
    ]) {
      const response = await get(alice, query);
      expect(response.status, query).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
