import { beforeAll, describe, expect, it } from 'vitest';
import { GET as list, POST as create } from '../../app/api/ai/templates/route';
import {
  DELETE as remove,
  GET as read,
  PATCH as patch,
} from '../../app/api/ai/templates/[id]/route';
import { POST as render } from '../../app/api/ai/templates/[id]/render/route';
import { createUser, db, request, routeParams, type TestUser } from '../helpers/fixtures';
import { asUser } from '../helpers/ledger';

/** Prompt templates over REST: CRUD, visibility, variable validation on render, redaction. */

let alice: TestUser, bob: TestUser;

beforeAll(async () => {
  alice = await createUser('Alice');
  bob = await createUser('Bob');
});

interface TemplateJson {
  id: string;
  name: string;
  body: string;
  visibility: string;
  mine: boolean;
  variables: { name: string; required: boolean; maxLength: number }[];
}

const summary = {
  name: 'Summarise',
  description: 'Summarise a text for an audience',
  body: 'Summarise for {{audience}} in {{ words }} words:\n{{text}}',
  variables: [
    { name: 'audience', description: 'Who reads it', default: 'executives' },
    { name: 'words', required: false, maxLength: 4 },
    { name: 'text', maxLength: 50 },
  ],
};

async function createAs(user: TestUser, body: unknown) {
  return create(await request('/api/ai/templates', { user, body }));
}

async function createOk(user: TestUser, body: unknown): Promise<TemplateJson> {
  const response = await createAs(user, body);
  expect(response.status).toBe(200);
  return ((await response.json()) as { template: TemplateJson }).template;
}

async function on(
  handler: typeof read,
  user: TestUser,
  id: string,
  init: { method?: string; body?: unknown } = {},
) {
  return handler(await request(`/api/ai/templates/${id}`, { user, ...init }), routeParams({ id }));
}

async function renderAs(user: TestUser, id: string, values: unknown) {
  return render(
    await request(`/api/ai/templates/${id}/render`, { user, body: { values } }),
    routeParams({ id }),
  );
}

async function rowCount(user: TestUser): Promise<number> {
  const [row] = await db()<{ n: number }[]>`
    select count(*)::int as n from public.prompt_templates where user_id = ${user.id}`;
  return row!.n;
}

describe('prompt templates', () => {
  it('creates, reads, lists, updates and deletes the owner’s template', async () => {
    const template = await createOk(alice, summary);
    expect(template).toMatchObject({ name: 'Summarise', visibility: 'private', mine: true });
    expect(template.variables).toEqual([
      expect.objectContaining({ name: 'audience', required: true, maxLength: 2000 }),
      expect.objectContaining({ name: 'words', required: false, maxLength: 4 }),
      expect.objectContaining({ name: 'text', required: true, maxLength: 50 }),
    ]);
    const fetched = await on(read, alice, template.id);
    expect(fetched.status).toBe(200);

    const listed = (await (
      await list(await request('/api/ai/templates', { user: alice }))
    ).json()) as { templates: TemplateJson[] };
    expect(listed.templates.map((t) => t.id)).toContain(template.id);

    const changed = await on(patch, alice, template.id, {
      method: 'PATCH',
      body: { name: 'Summarise briefly', visibility: 'public' },
    });
    expect(changed.status).toBe(200);
    const [row] = await db()<{ name: string; visibility: string; body: string }[]>`
      select name, visibility, body from public.prompt_templates where id = ${template.id}`;
    expect(row).toEqual({ name: 'Summarise briefly', visibility: 'public', body: summary.body });

    expect((await on(remove, alice, template.id, { method: 'DELETE' })).status).toBe(200);
    expect(
      await db()`select 1 from public.prompt_templates where id = ${template.id}`,
    ).toHaveLength(0);
    expect((await on(read, alice, template.id)).status).toBe(404);
  });

  it('public templates are readable and renderable by others; only the owner edits them', async () => {
    const shared = await createOk(alice, { ...summary, name: 'Shared', visibility: 'public' });
    const secret = await createOk(alice, { ...summary, name: 'Secret' });

    const seen = await on(read, bob, shared.id);
    expect(seen.status).toBe(200);
    expect(((await seen.json()) as { template: TemplateJson }).template.mine).toBe(false);
    expect((await renderAs(bob, shared.id, { text: 'Hi' })).status).toBe(200);

    const bobsList = (await (
      await list(await request('/api/ai/templates?visibility=public', { user: bob }))
    ).json()) as { templates: TemplateJson[] };
    const ids = bobsList.templates.map((t) => t.id);
    expect(ids).toContain(shared.id);
    expect(ids).not.toContain(secret.id);
    const bobsPrivate = (await (
      await list(await request('/api/ai/templates?visibility=private', { user: bob }))
    ).json()) as { templates: TemplateJson[] };
    expect(bobsPrivate.templates).toEqual([]);

    // Every route answers 404 for someone else's private template, and edits of a public one.
    expect((await on(read, bob, secret.id)).status).toBe(404);
    expect((await renderAs(bob, secret.id, { text: 'Hi' })).status).toBe(404);
    for (const id of [secret.id, shared.id]) {
      const edit = await on(patch, bob, id, { method: 'PATCH', body: { name: 'Mine now' } });
      expect(edit.status).toBe(404);
      expect(edit.headers.get('content-type')).toContain('application/problem+json');
      expect((await on(remove, bob, id, { method: 'DELETE' })).status).toBe(404);
    }
    const rows = await db()<{ name: string }[]>`
      select name from public.prompt_templates where id in (${secret.id}, ${shared.id}) order by name`;
    expect(rows.map((r) => r.name)).toEqual(['Secret', 'Shared']);
    // Straight through the database too, RLS lets Bob read the public row but change nothing.
    const touched = await asUser(bob, async (tx) => [
      await tx`update public.prompt_templates set name = 'Taken' where id = ${shared.id} returning id`,
      await tx`select id from public.prompt_templates where id in (${shared.id}, ${secret.id})`,
    ]);
    expect(touched.map((rows) => rows.length)).toEqual([0, 1]);
    expect((await on(read, alice, 'not-a-uuid')).status).toBe(404);
  });

  it('the same name twice is 409; bad bodies are 422 and write nothing', async () => {
    await createOk(alice, { ...summary, name: 'Unique' });
    const before = await rowCount(alice);
    const duplicate = await createAs(alice, { ...summary, name: 'Unique' });
    expect(duplicate.status).toBe(409);
    const bad: unknown[] = [
      { ...summary, name: '' },
      { ...summary, body: 'x'.repeat(20_001) },
      { ...summary, visibility: 'everyone' },
      { ...summary, variables: [{ name: '1bad' }] },
      { ...summary, variables: [...summary.variables, { name: 'text' }] },
      { ...summary, body: 'Uses {{undeclared}}', variables: [] },
      { ...summary, variables: [{ name: 'text', default: 'too long', maxLength: 3 }] },
      { ...summary, extra: true },
    ];
    for (const body of bad) {
      const response = await createAs(alice, body);
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const undeclared = (await (
      await createAs(alice, { ...summary, name: 'U', body: '{{a}} {{b}}', variables: [] })
    ).json()) as { undeclared: string[] };
    expect(undeclared.undeclared).toEqual(['a', 'b']);
    expect(await rowCount(alice)).toBe(before);

    const [one] = await db()<{ id: string }[]>`
      select id from public.prompt_templates where user_id = ${alice.id} and name = 'Unique'`;
    const badPatch = await on(patch, alice, one!.id, {
      method: 'PATCH',
      body: { body: 'now {{other}}' },
    });
    expect(badPatch.status).toBe(422);
    expect((await on(patch, alice, one!.id, { method: 'PATCH', body: {} })).status).toBe(422);
    const [row] = await db()<{ body: string }[]>`
      select body from public.prompt_templates where id = ${one!.id}`;
    expect(row!.body).toBe(summary.body);
  });

  it('render fills declared variables and refuses missing, unknown and too long values', async () => {
    const template = await createOk(alice, { ...summary, name: 'Render me' });
    const ok = await renderAs(alice, template.id, { text: 'Quarterly numbers', words: '50' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      templateId: template.id,
      text: 'Summarise for executives in 50 words:\nQuarterly numbers',
    });
    // An optional variable with no value renders as empty text.
    const optional = (await (await renderAs(alice, template.id, { text: 'T' })).json()) as {
      text: string;
    };
    expect(optional.text).toBe('Summarise for executives in  words:\nT');

    const missing = await renderAs(alice, template.id, { words: '5' });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toMatchObject({ code: 'validation_failed', missing: ['text'] });
    const blank = await renderAs(alice, template.id, { text: '   ' });
    expect(await blank.json()).toMatchObject({ missing: ['text'] });

    const unknown = await renderAs(alice, template.id, { text: 'T', tone: 'x', mood: 'y' });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ unknown: ['tone', 'mood'] });

    const long = await renderAs(alice, template.id, { text: 'x'.repeat(51), words: '12345' });
    expect(long.status).toBe(422);
    expect(await long.json()).toMatchObject({
      tooLong: [
        { name: 'words', maxLength: 4 },
        { name: 'text', maxLength: 50 },
      ],
    });
    expect((await renderAs(alice, template.id, 'not an object')).status).toBe(422);
  });

  it('stores templates with e-mails and card numbers redacted', async () => {
    const template = await createOk(alice, {
      name: 'Support reply',
      description: 'Write to jane.doe@example.com',
      body: 'Customer card 4242 4242 4242 4242, mail ops@tollgate.dev about {{topic}}',
      variables: [{ name: 'topic', default: 'refund for 5555-5555-5555-4444' }],
    });
    const [row] = await db()<{ description: string; body: string; variables: unknown }[]>`
      select description, body, variables from public.prompt_templates where id = ${template.id}`;
    expect(row!.description).toBe('Write to [email]');
    expect(row!.body).toBe('Customer card [card number], mail [email] about {{topic}}');
    expect(JSON.stringify(row!.variables)).toContain('refund for [card number]');
    expect(JSON.stringify(row)).not.toMatch(/4242|5555|@example|@tollgate/);

    const patched = await on(patch, alice, template.id, {
      method: 'PATCH',
      body: { body: 'Call 4000 0566 5566 5556 or write a@b.io about {{topic}}' },
    });
    expect(patched.status).toBe(200);
    const [after] = await db()<{ body: string }[]>`
      select body from public.prompt_templates where id = ${template.id}`;
    expect(after!.body).toBe('Call [card number] or write [email] about {{topic}}');
  });

  it('signed-out callers get 401', async () => {
    expect((await list(await request('/api/ai/templates'))).status).toBe(401);
  });
});
