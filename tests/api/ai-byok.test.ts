import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { GET as listKeys, POST as saveKey } from '../../app/api/ai/keys/route';
import { DELETE as deleteKey } from '../../app/api/ai/keys/[provider]/route';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, available, grant, ledgerCheck, walletOf } from '../helpers/ledger';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai';
import { finishMetadata, readUiStream } from '../helpers/ui-stream';

/** BYOK: keys stored encrypted, never returned, used instead of the platform key, no credits. */

let mock: MockOpenAI;
let owner: TestUser, member: TestUser;
let org: { id: string };
const USER_KEY = 'sk-user-secret-1234';

beforeAll(async () => {
  mock = await startMockOpenAI();
  process.env.OPENAI_API_KEY = 'sk-platform';
  process.env.OPENAI_BASE_URL = mock.url;
  process.env.ENCRYPTION_KEY = 'ab'.repeat(32);
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  owner = await createUser('Key Owner');
  member = await createUser('Key Member');
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  await grant(await walletOf({ userId: owner.id }), CREDIT);
});

afterAll(async () => {
  await mock.close();
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.ENCRYPTION_KEY;
});

const say = (text: string) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', parts: [{ type: 'text', text }] }],
});

describe('bring your own key', () => {
  it('stores the key encrypted and only ever answers with its hint', async () => {
    const saved = await saveKey(
      await request('/api/ai/keys', {
        user: owner,
        body: { provider: 'openai', apiKey: USER_KEY },
      }),
    );
    expect(saved.status).toBe(200);
    const text = await saved.text();
    expect(text).not.toContain(USER_KEY);
    expect(JSON.parse(text)).toMatchObject({ provider: 'openai', hint: '1234' });
    const listed = await (await listKeys(await request('/api/ai/keys', { user: owner }))).text();
    expect(listed).not.toContain(USER_KEY);
    expect(JSON.parse(listed)).toMatchObject({ keys: [{ provider: 'openai', hint: '1234' }] });
    const [row] = await db()<
      { ciphertext: string }[]
    >`select ciphertext from public.ai_provider_keys`;
    expect(row!.ciphertext).toMatch(/^v1:/);
    expect(row!.ciphertext).not.toContain(USER_KEY);
    expect(await db()`select 1 from public.ai_provider_keys`.then((r) => r.length)).toBe(1);
  });

  it('the gateway calls the provider with the subject key and charges no credits', async () => {
    const wallet = await walletOf({ userId: owner.id });
    const before = await available(wallet);
    const chunks = await readUiStream(
      await chat(await request('/api/ai/chat', { user: owner, body: say('mode=ok chunks=4') })),
    );
    expect(mock.lastAuthorization()).toBe(`Bearer ${USER_KEY}`);
    expect(finishMetadata(chunks)).toMatchObject({
      status: 'byok',
      creditsUsed: '0',
      outputTokens: 4,
    });
    expect(await available(wallet)).toBe(before);
    const [event] = await db()<{ source: string; credits_charged: bigint }[]>`
      select source, credits_charged from public.usage_events where subject_id = ${owner.id}`;
    expect(event).toEqual({ source: 'byok', credits_charged: 0n });
  });

  it('others keep the platform key; org keys are for org admins to manage', async () => {
    await grant(await walletOf({ userId: member.id }), CREDIT);
    const chunks = await readUiStream(
      await chat(await request('/api/ai/chat', { user: member, body: say('mode=ok chunks=2') })),
    );
    expect(mock.lastAuthorization()).toBe('Bearer sk-platform');
    expect(finishMetadata(chunks)).toMatchObject({ status: 'charged' });
    const refused = await saveKey(
      await request('/api/ai/keys', {
        user: member,
        body: { provider: 'openai', apiKey: 'sk-member-9999', orgId: org.id },
      }),
    );
    expect(refused.status).toBe(403);
  });

  it('deleting the key returns the subject to platform billing', async () => {
    const response = await deleteKey(
      await request('/api/ai/keys/openai', { user: owner, method: 'DELETE' }),
      routeParams({ provider: 'openai' }),
    );
    expect(await response.json()).toEqual({ deleted: true });
    const chunks = await readUiStream(
      await chat(await request('/api/ai/chat', { user: owner, body: say('mode=ok chunks=2') })),
    );
    expect(finishMetadata(chunks)).toMatchObject({ status: 'charged' });
    expect(mock.lastAuthorization()).toBe('Bearer sk-platform');
    expect(await db()`select 1 from public.holds where status = 'pending'`).toHaveLength(0);
    expect(await ledgerCheck()).toEqual([]);
  });
});
