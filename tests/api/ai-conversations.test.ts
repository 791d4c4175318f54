import { beforeAll, describe, expect, it } from 'vitest';
import { POST as chat } from '../../app/api/ai/chat/route';
import { GET as list, POST as create } from '../../app/api/ai/conversations/route';
import {
  DELETE as remove,
  GET as read,
  PATCH as patch,
} from '../../app/api/ai/conversations/[id]/route';
import {
  GET as listMessages,
  POST as appendMessage,
} from '../../app/api/ai/conversations/[id]/messages/route';
import { titleFrom } from '../../lib/ai';
import {
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { CREDIT, available, grant, walletOf } from '../helpers/ledger';
import { finishMetadata, readUiStream, readUntilText } from '../helpers/ui-stream';

/** Conversations over REST and the chat that persists into them (local model, real ledger). */

let alice: TestUser, bob: TestUser, broke: TestUser;
let org: { id: string };

beforeAll(async () => {
  await db()`update public.plans set requests_per_hour = 1000000, monthly_llm_token_limit = null`;
  alice = await createUser('Alice');
  bob = await createUser('Bob');
  broke = await createUser('Broke');
  org = await createOrg(alice);
  await grant(await walletOf({ userId: alice.id }), 5n * CREDIT);
  await grant(await walletOf({ orgId: org.id }), 5n * CREDIT);
});

interface ConversationJson {
  id: string;
  title: string | null;
  orgId: string | null;
  model: string | null;
  archivedAt: string | null;
}
interface MessageJson {
  id: string;
  role: string;
  content: string;
  status: string | null;
  inputTokens: number;
  outputTokens: number;
  creditsCharged: string;
}

async function createAs(user: TestUser, body: unknown = {}) {
  return create(await request('/api/ai/conversations', { user, body }));
}
async function newConversation(user: TestUser, body: unknown = {}): Promise<ConversationJson> {
  const response = await createAs(user, body);
  expect(response.status).toBe(200);
  return ((await response.json()) as { conversation: ConversationJson }).conversation;
}
async function on(
  handler: typeof read,
  user: TestUser,
  id: string,
  init: { method?: string; body?: unknown; path?: string } = {},
) {
  const url = `/api/ai/conversations/${id}${init.path ?? ''}`;
  return handler(
    await request(url, { user, method: init.method, body: init.body }),
    routeParams({ id }),
  );
}
async function detail(user: TestUser, id: string) {
  const response = await on(read, user, id);
  expect(response.status).toBe(200);
  return (
    (await response.json()) as { conversation: ConversationJson & { messages: MessageJson[] } }
  ).conversation;
}
const say = (text: string, extra: Record<string, unknown> = {}) => ({
  model: 'local-demo',
  messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text }] }],
  ...extra,
});
async function chatAs(user: TestUser, payload: unknown) {
  return chat(await request('/api/ai/chat', { user, body: payload }));
}
async function messageRows(conversationId: string) {
  return db()<
    {
      role: string;
      content: string;
      call_id: string | null;
      credits_charged: bigint;
      input_tokens: number;
      output_tokens: number;
      status: string | null;
    }[]
  >`select role, content, call_id, credits_charged, input_tokens, output_tokens, status
    from public.conversation_messages where conversation_id = ${conversationId} order by id`;
}
async function countAll(): Promise<[number, number]> {
  const [row] = await db()<{ c: number; m: number }[]>`
    select (select count(*)::int from public.conversations) as c,
           (select count(*)::int from public.conversation_messages) as m`;
  return [row!.c, row!.m];
}

describe('conversations', () => {
  it('creates, renames, archives, lists and deletes (with its messages)', async () => {
    const conversation = await newConversation(alice, { title: 'Planning' });
    expect(conversation).toMatchObject({ title: 'Planning', orgId: null, archivedAt: null });

    const renamed = await on(patch, alice, conversation.id, {
      method: 'PATCH',
      body: { title: '  Q3 planning ' },
    });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as { conversation: ConversationJson }).conversation.title).toBe(
      'Q3 planning',
    );
    const added = await on(appendMessage, alice, conversation.id, {
      path: '/messages',
      body: { role: 'system', content: 'Imported from elsewhere' },
    });
    expect(added.status).toBe(200);

    await on(patch, alice, conversation.id, { method: 'PATCH', body: { archived: true } });
    const active = (await (
      await list(await request('/api/ai/conversations', { user: alice }))
    ).json()) as { conversations: ConversationJson[] };
    expect(active.conversations.map((c) => c.id)).not.toContain(conversation.id);
    const archived = (await (
      await list(await request('/api/ai/conversations?archived=true', { user: alice }))
    ).json()) as { conversations: ConversationJson[] };
    expect(archived.conversations.map((c) => c.id)).toEqual([conversation.id]);
    await on(patch, alice, conversation.id, { method: 'PATCH', body: { archived: false } });
    const [row] = await db()<{ title: string; archived_at: Date | null }[]>`
      select title, archived_at from public.conversations where id = ${conversation.id}`;
    expect(row).toEqual({ title: 'Q3 planning', archived_at: null });

    expect((await on(remove, alice, conversation.id, { method: 'DELETE' })).status).toBe(200);
    expect(
      await db()`select 1 from public.conversations where id = ${conversation.id}`,
    ).toHaveLength(0);
    expect(await messageRows(conversation.id)).toHaveLength(0);
  });

  it('pages by last activity with a keyset cursor; a new message moves a chat to the top', async () => {
    const user = await createUser('Pager');
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) made.push((await newConversation(user, { title: `C${i}` })).id);
    await on(appendMessage, user, made[0]!, {
      path: '/messages',
      body: { role: 'user', content: 'bump' },
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url = `/api/ai/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await list(await request(url, { user }))).json()) as {
        conversations: ConversationJson[];
        nextCursor: string | null;
      };
      expect(page.conversations.length).toBeLessThanOrEqual(2);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([made[0], made[4], made[3], made[2], made[1]]);
    const bad = await list(await request('/api/ai/conversations?cursor=bogus', { user }));
    expect(bad.status).toBe(422);
    expect((await list(await request('/api/ai/conversations?limit=0', { user }))).status).toBe(422);
  });

  it('appends messages (import) at no cost; lists them in order', async () => {
    const conversation = await newConversation(alice);
    for (const [role, content] of [
      ['user', 'first question about pricing plans for the team and more words here'],
      ['assistant', 'An answer'],
    ] as const) {
      const response = await on(appendMessage, alice, conversation.id, {
        path: '/messages',
        body: { role, content },
      });
      expect(response.status).toBe(200);
    }
    const page = (await (
      await on(listMessages, alice, conversation.id, { path: '/messages?limit=1' })
    ).json()) as { messages: MessageJson[]; nextAfter: string | null };
    expect(page.messages.map((m) => m.role)).toEqual(['user']);
    expect(page.nextAfter).toBe(page.messages[0]!.id);
    const all = await detail(alice, conversation.id);
    expect(all.messages.map((m) => [m.role, m.creditsCharged])).toEqual([
      ['user', '0'],
      ['assistant', '0'],
    ]);
    // The first user message titles an untitled conversation, cut at a word.
    expect(all.title).toBe('first question about pricing plans for the team and more…');
  });

  it('a chat with conversationId stores both messages; the reply carries the ledger’s charge', async () => {
    const conversation = await newConversation(alice);
    const wallet = await walletOf({ userId: alice.id });
    const before = await available(wallet);
    const response = await chatAs(
      alice,
      say('Explain the pricing of Tollgate to a new customer please', {
        conversationId: conversation.id,
      }),
    );
    expect(response.status).toBe(200);
    const chunks = await readUiStream(response);
    const meta = finishMetadata(chunks)!;
    const reply = chunks
      .filter((chunk) => chunk.type === 'text-delta')
      .map((chunk) => chunk.delta)
      .join('');

    const rows = await messageRows(conversation.id);
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant']);
    expect(rows[0]).toMatchObject({
      content: 'Explain the pricing of Tollgate to a new customer please',
      credits_charged: 0n,
      call_id: null,
    });
    const stored = rows[1]!;
    expect(stored.content).toBe(reply);
    expect(stored).toMatchObject({
      status: 'charged',
      input_tokens: meta.inputTokens,
      output_tokens: meta.outputTokens,
    });
    // The charge is the transfer that posted this call's hold.
    const [transfer] = await db()<{ amount: bigint; kind: string }[]>`
      select t.amount, t.kind from public.holds h join public.transfers t on t.id = h.transfer_id
      where h.idempotency_key = ${`ai:${stored.call_id}`}`;
    expect(transfer).toEqual({ amount: stored.credits_charged, kind: 'hold_post' });
    expect(stored.credits_charged).toBe(BigInt(String(meta.creditsUsed)));
    expect(await available(wallet)).toBe(before - stored.credits_charged);

    const after = await detail(alice, conversation.id);
    expect(after).toMatchObject({
      title: 'Explain the pricing of Tollgate to a new customer please',
      model: 'local-demo',
    });
    expect(after.messages[1]).toMatchObject({
      role: 'assistant',
      creditsCharged: stored.credits_charged.toString(),
    });
  });

  it('a reply cut off by the client is still stored with what its call was charged', async () => {
    const conversation = await newConversation(alice);
    const controller = new AbortController();
    const aborted = new Request(
      await request('/api/ai/chat', {
        user: alice,
        body: say('A long answer please', { conversationId: conversation.id }),
      }),
      { signal: controller.signal },
    );
    const chunks = await readUntilText(await chat(aborted), () => controller.abort());
    const meta = finishMetadata(chunks)!;
    const rows = await messageRows(conversation.id);
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant']);
    const [hold] = await db()<{ status: string; posted: bigint | null }[]>`
      select h.status, t.amount as posted from public.holds h
      left join public.transfers t on t.id = h.transfer_id
      where h.idempotency_key = ${`ai:${rows[1]!.call_id}`}`;
    expect(hold!.status).toBe('posted');
    expect(rows[1]).toMatchObject({ status: meta.status, credits_charged: hold!.posted });
  });

  it('a chat without conversationId stores nothing', async () => {
    const before = await countAll();
    const response = await chatAs(alice, say('Not kept'));
    expect(finishMetadata(await readUiStream(response))).toMatchObject({ status: 'charged' });
    expect(await countAll()).toEqual(before);
  });

  it('an org wallet chat is remembered on the conversation', async () => {
    const conversation = await newConversation(alice);
    const response = await chatAs(
      alice,
      say('Team question', { conversationId: conversation.id, orgId: org.id }),
    );
    await readUiStream(response);
    expect((await detail(alice, conversation.id)).orgId).toBe(org.id);
    const bobs = await createAs(bob, { orgId: org.id });
    expect(bobs.status).toBe(404);
  });

  it('stores messages with e-mails and card numbers redacted', async () => {
    const conversation = await newConversation(alice);
    const secret = 'Mail me at jane.doe@example.com, card 4242-4242-4242-4242 please';
    await readUiStream(await chatAs(alice, say(secret, { conversationId: conversation.id })));
    await on(appendMessage, alice, conversation.id, {
      path: '/messages',
      body: { role: 'assistant', content: 'Noted 5555 5555 5555 4444 for bob@corp.io' },
    });
    const rows = await messageRows(conversation.id);
    expect(rows.map((r) => r.content)).toEqual([
      'Mail me at [email], card [card number] please',
      expect.any(String),
      'Noted [card number] for [email]',
    ]);
    expect(JSON.stringify(rows.map((r) => r.content))).not.toMatch(/4242|5555|@example|@corp/);
    const [row] = await db()<{ title: string }[]>`
      select title from public.conversations where id = ${conversation.id}`;
    expect(row!.title).toBe('Mail me at [email], card [card number] please');
    expect(titleFrom('   ')).toBeNull();
  });

  it('another user gets 404 on every route and changes nothing', async () => {
    const conversation = await newConversation(alice, { title: 'Private' });
    await on(appendMessage, alice, conversation.id, {
      path: '/messages',
      body: { role: 'user', content: 'mine' },
    });
    const before = await countAll();
    const attempts = [
      await on(read, bob, conversation.id),
      await on(patch, bob, conversation.id, { method: 'PATCH', body: { title: 'Stolen' } }),
      await on(remove, bob, conversation.id, { method: 'DELETE' }),
      await on(listMessages, bob, conversation.id, { path: '/messages' }),
      await on(appendMessage, bob, conversation.id, {
        path: '/messages',
        body: { role: 'user', content: 'hi' },
      }),
      await chatAs(bob, say('hi', { conversationId: conversation.id })),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await countAll()).toEqual(before);
    const bobsList = (await (
      await list(await request('/api/ai/conversations', { user: bob }))
    ).json()) as { conversations: ConversationJson[] };
    expect(bobsList.conversations).toEqual([]);
    expect((await on(read, bob, 'not-a-uuid')).status).toBe(404);
  });

  it('bad bodies are 422; a refused chat leaves no message behind', async () => {
    const conversation = await newConversation(alice);
    const before = await countAll();
    const bad = [
      await createAs(alice, { title: 'x'.repeat(201) }),
      await createAs(alice, { unknown: 1 }),
      await on(patch, alice, conversation.id, { method: 'PATCH', body: {} }),
      await on(patch, alice, conversation.id, { method: 'PATCH', body: { title: '' } }),
      await on(appendMessage, alice, conversation.id, {
        path: '/messages',
        body: { role: 'tool', content: 'x' },
      }),
      await on(appendMessage, alice, conversation.id, {
        path: '/messages',
        body: { role: 'user', content: '' },
      }),
      await on(appendMessage, alice, conversation.id, {
        path: '/messages',
        body: { role: 'user', content: 'x'.repeat(100_001) },
      }),
      await chatAs(alice, say('hi', { conversationId: 'nope' })),
      await chatAs(alice, say('   ', { conversationId: conversation.id })),
    ];
    expect(bad.map((r) => r.status)).toEqual(Array(bad.length).fill(422));
    expect(await countAll()).toEqual(before);

    // 402: the stored prompt is removed again when the call is refused.
    const poor = await newConversation(broke);
    const refused = await chatAs(broke, say('No credits', { conversationId: poor.id }));
    expect(refused.status).toBe(402);
    expect(await messageRows(poor.id)).toHaveLength(0);
    expect((await detail(broke, poor.id)).title).toBeNull();
  });

  it('signed-out callers get 401', async () => {
    expect((await list(await request('/api/ai/conversations'))).status).toBe(401);
  });
});
