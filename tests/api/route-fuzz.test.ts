import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrg, db, request, type TestUser } from '../helpers/fixtures';
import { CREDIT, fundedUser, ledgerCheck } from '../helpers/ledger';
import { serveMockOpenAI } from '../helpers/gateway';

/**
 * Every route handler under app/api, found on disk (so a new route is covered without anyone
 * remembering to), and every method it exports, gets malformed input: bodies that are not JSON,
 * the wrong JSON, wrong types, out-of-range and non-finite numbers, NUL bytes and lone
 * surrogates in every field, an oversized body, bad query strings and path ids, and no auth.
 * None may answer 5xx, and none may move value.
 */

serveMockOpenAI();

const API = path.join(process.cwd(), 'app', 'api');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Handler = (
  request: Request,
  segment?: { params: Promise<Record<string, string>> },
) => Promise<Response>;

async function routeFiles(dir = API): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? routeFiles(path.join(dir, entry.name))
        : Promise.resolve(entry.name === 'route.ts' ? [path.join(dir, entry.name)] : []),
    ),
  );
  return nested.flat().sort();
}

const NUL = 'a\u0000b';
const SURROGATE = 'a\ud800b';
const FIELDS = [
  'name',
  'title',
  'description',
  'body',
  'content',
  'message',
  'text',
  'prompt',
  'input',
  'model',
  'slug',
  'email',
  'role',
  'url',
  'provider',
  'feature',
  'reason',
  'key',
  'apiKey',
  'packageId',
  'templateId',
  'conversationId',
  'orgId',
  'userId',
  'walletId',
  'wallet',
  'next',
  'currency',
  'category',
  'idempotencyKey',
  'events',
  'items',
  'rows',
  'csv',
  'variables',
  'amount',
  'credits',
  'bonusCredits',
  'price',
  'limit',
  'monthlyLimit',
  'threshold',
  'thresholds',
  'lowBalance',
  'maxOutputTokens',
  'n',
  'size',
  'enabled',
  'active',
  'to',
];
const poison = (value: unknown) => Object.fromEntries(FIELDS.map((field) => [field, value]));
const messages = (text: string) => [{ id: 'm1', role: 'user', parts: [{ type: 'text', text }] }];

/** name → [body text, content type] */
const BODIES: [string, string, string][] = [
  ['not JSON', '{"amount": 1,', 'application/json'],
  ['a JSON array', '[]', 'application/json'],
  ['JSON null', 'null', 'application/json'],
  ['a JSON string', '"hello"', 'application/json'],
  [
    'a non-finite number',
    '{"amount": 1e999, "limit": -1e999, "maxOutputTokens": 1e999}',
    'application/json',
  ],
  ['an empty object', '{}', 'application/json'],
  ['form data', 'amount=1&name=x', 'application/x-www-form-urlencoded'],
  ['wrong types', JSON.stringify(poison({ nested: [true] })), 'application/json'],
  ['numbers out of range', JSON.stringify(poison(2 ** 64)), 'application/json'],
  ['negative numbers', JSON.stringify(poison(-1)), 'application/json'],
  ['fractions', JSON.stringify(poison(0.5)), 'application/json'],
  ['NUL in every field', JSON.stringify(poison(NUL)), 'application/json'],
  ['a lone surrogate in every field', JSON.stringify(poison(SURROGATE)), 'application/json'],
  ['NUL in arrays', JSON.stringify(poison([NUL])), 'application/json'],
  [
    'NUL in messages and items',
    JSON.stringify({
      model: NUL,
      messages: messages(NUL),
      items: [NUL],
      prompt: NUL,
      input: [NUL],
    }),
    'application/json',
  ],
  [
    'a surrogate in messages',
    JSON.stringify({
      model: 'gpt-4o-mini',
      messages: messages(SURROGATE),
      items: [SURROGATE],
      prompt: SURROGATE,
      input: SURROGATE,
    }),
    'application/json',
  ],
  ['NUL keys', JSON.stringify({ [NUL]: 1, name: 'x' }), 'application/json'],
  ['an oversized body', JSON.stringify({ name: 'x'.repeat(1_500_000) }), 'application/json'],
];
const QUERIES = [
  '',
  '?limit=1e999&cursor=%00&from=yesterday&to=%ED%A0%80&status=%00&category=x&format=%00',
];
const IDS = ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '%00', 'x'.repeat(3000)];

/**
 * Requests that would succeed but for one field: each string in them is replaced, one at a
 * time, by one with a NUL byte and by one with a lone surrogate. Such a request must be refused
 * (422 naming the field) and move nothing.
 */
function samples(org: string, conversation: string): [string, Record<string, unknown>][] {
  return [
    ['/api/credits/transfer', { to: { orgId: org }, amount: 1_000_000, description: 'Top-up' }],
    ['/api/orgs', { name: 'Fuzz org', slug: 'fuzz-org-two' }],
    ['/api/ai/conversations', { title: 'A chat', model: 'gpt-4o-mini' }],
    [`/api/ai/conversations/${conversation}/messages`, { role: 'user', content: 'Hello' }],
    [
      '/api/ai/templates',
      {
        name: 'Greeting',
        description: 'Says hello',
        body: 'Hello {{who}}',
        variables: [{ name: 'who' }],
      },
    ],
    ['/api/ai/completions', { model: 'gpt-4o-mini', prompt: 'Say hi', maxOutputTokens: 5 }],
    ['/api/ai/chat', { model: 'gpt-4o-mini', messages: messages('Say hi') }],
    ['/api/ai/embeddings', { model: 'text-embedding-3-small', values: ['Say hi'] }],
    ['/api/ai/images/generate', { model: 'local-image', prompt: 'A cat' }],
    ['/api/ai/batch', { model: 'gpt-4o-mini', items: ['One', 'Two'], maxOutputTokens: 5 }],
  ];
}

/** Every variant of `value` with one string replaced by `bad`, labelled by its path. */
function variants(value: unknown, bad: (text: string) => string, at = 'body'): [string, unknown][] {
  if (typeof value === 'string') return [[at, bad(value)]];
  if (Array.isArray(value)) {
    return value.flatMap((item, index) =>
      variants(item, bad, `${at}.${index}`).map(([where, replaced]) => {
        const copy = [...value];
        copy[index] = replaced;
        return [where, copy] as [string, unknown];
      }),
    );
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) =>
      variants(item, bad, `${at}.${key}`).map(([where, replaced]): [string, unknown] => [
        where,
        { ...(value as Record<string, unknown>), [key]: replaced },
      ]),
    );
  }
  return [];
}

let user: TestUser;
let admin: TestUser;
let orgId: string;
let conversationId: string;

beforeAll(async () => {
  ({ user } = await fundedUser('Fuzz', 100n * CREDIT));
  ({ user: admin } = await fundedUser('Fuzz admin', 100n * CREDIT));
  await db()`update public.profiles set is_platform_admin = true where id = ${admin.id}`;
  orgId = (await createOrg(user)).id;
  const [conversation] = await db()<{ id: string }[]>`
    insert into public.conversations (user_id, title) values (${user.id}, 'Fuzz') returning id`;
  conversationId = conversation!.id;
});

async function ledgerState() {
  const [row] = await db()`
    select (select count(*)::int from public.transfers) as transfers,
           (select count(*)::int from public.holds) as holds,
           (select coalesce(sum(credits_posted - debits_posted - debits_pending), 0)::text
              from public.accounts where kind <> 'system') as available`;
  return row;
}

describe('one bad character in an otherwise good request', () => {
  it('NUL bytes and lone surrogates are a 422 naming the field, on every route that takes text', async () => {
    const before = await ledgerState();
    const failures: string[] = [];
    const bad = {
      NUL: (text: string) => `${text}\u0000`,
      surrogate: (text: string) => `${text}\ud800`,
    };
    for (const [url, body] of samples(orgId, conversationId)) {
      const file = path.join(
        API,
        ...url
          .slice('/api/'.length)
          .split('/')
          .map((part) => (part === conversationId ? '[id]' : part)),
        'route.ts',
      );
      const { POST } = (await import(file)) as { POST: Handler };
      for (const [kind, replace] of Object.entries(bad)) {
        for (const [where, poisoned] of variants(body, replace)) {
          const response = await POST(
            await request(url, {
              user,
              body: poisoned,
              headers: { 'idempotency-key': `one-${kind}-${where}` },
            }),
            { params: Promise.resolve({ id: conversationId }) },
          );
          const text = await response.text();
          const problem = (text.startsWith('{') ? JSON.parse(text) : {}) as { detail?: string };
          if (response.status !== 422 || !problem.detail?.includes(where)) {
            failures.push(
              `${url} ${kind} in ${where} → ${response.status} ${problem.detail ?? ''}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await ledgerState()).toEqual(before);
  });
});

describe('malformed input to every route', () => {
  it('never answers 5xx and never moves value', { timeout: 600_000 }, async () => {
    const files = await routeFiles();
    expect(files.length).toBeGreaterThan(60);
    const before = await ledgerState();
    const failures: string[] = [];
    let calls = 0;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      for (const file of files) {
        const handlers = (await import(file)) as Partial<Record<(typeof METHODS)[number], Handler>>;
        const template = path.relative(API, path.dirname(file)).split(path.sep);
        const names = template
          .filter((part) => part.startsWith('['))
          .map((part) => part.slice(1, -1));
        for (const method of METHODS) {
          const handler = handlers[method];
          if (!handler) continue;
          for (const id of IDS) {
            const params = Object.fromEntries(names.map((name) => [name, id]));
            const url =
              '/api/' +
              template
                .map((part) => (part.startsWith('[') ? encodeURIComponent(id) : part))
                .join('/');
            const cases: { label: string; who?: TestUser; body?: [string, string] }[] = [
              { label: 'no auth' },
              ...[user, admin].flatMap((who) => [
                { label: `${who === admin ? 'admin' : 'user'}, no body`, who },
                ...(method === 'GET'
                  ? []
                  : BODIES.map(([label, text, type]) => ({
                      label: `${who === admin ? 'admin' : 'user'}, ${label}`,
                      who,
                      body: [text, type] as [string, string],
                    }))),
              ]),
            ];
            for (const query of QUERIES) {
              for (const test of cases) {
                const made = await request(url + query, {
                  method,
                  user: test.who,
                  body: test.body?.[0],
                  headers: test.body
                    ? { 'content-type': test.body[1], 'idempotency-key': `fuzz-${calls}` }
                    : {},
                });
                calls += 1;
                let status: number;
                try {
                  const response = await handler(made, { params: Promise.resolve(params) });
                  status = response.status;
                  await response.body?.cancel();
                } catch (error) {
                  status = 599;
                  failures.push(
                    `${method} ${url}${query} (${test.label}) threw ${String(error).slice(0, 120)}`,
                  );
                  continue;
                }
                if (status >= 500)
                  failures.push(`${method} ${url}${query} (${test.label}) → ${status}`);
              }
            }
            if (names.length === 0) break; // one pass is enough without path ids
          }
        }
      }
    } finally {
      quiet.mockRestore();
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
    expect(await ledgerState()).toEqual(before);
    expect(await ledgerCheck()).toEqual([]);
  });
});
