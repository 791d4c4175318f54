import 'server-only';
import { one, AppError, errors, parseInput } from '@/lib/core';
import { z } from 'zod';
import { asService, withUser, type DbSession, type Tx } from '@/lib/db';
import {
  appendMessageInput,
  createConversationInput,
  listConversationsQuery,
  listMessagesQuery,
  updateConversationInput,
  type Conversation,
  type ConversationMessage,
} from './conversation-schemas';
import type { CallOutcome } from '@/lib/gateway';
import { redactPii } from '@/lib/gateway';

/**
 * Conversations of the assistant: the owner's chats and their messages, redacted before they are
 * stored. A reply's tokens and credits come from its settled call and are written by the service.
 */

const TITLE_LENGTH = 60;

interface ConversationRow {
  id: string;
  title: string | null;
  org_id: string | null;
  model: string | null;
  created_at: Date;
  updated_at: Date;
  archived_at: Date | null;
  cursor_at?: string;
}

interface MessageRow {
  id: bigint;
  role: ConversationMessage['role'];
  content: string;
  model: string | null;
  status: ConversationMessage['status'];
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  credits_charged: bigint;
  created_at: Date;
}

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  title: row.title,
  orgId: row.org_id,
  model: row.model,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  archivedAt: row.archived_at,
});

const toMessage = (row: MessageRow): ConversationMessage => ({
  id: row.id.toString(),
  role: row.role,
  content: row.content,
  model: row.model,
  status: row.status,
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  cachedTokens: row.cached_tokens,
  creditsCharged: row.credits_charged,
  createdAt: row.created_at,
});

const UUID = z.uuid();
const notFound = () => errors.notFound('The conversation');

/** A title from the first user message: about 60 characters, cut at a word. */
export function titleFrom(text: string): string | null {
  const flat = redactPii(text).replace(/\s+/g, ' ').trim();
  if (flat === '') return null;
  if (flat.length <= TITLE_LENGTH) return flat;
  const cut = flat.slice(0, TITLE_LENGTH + 1);
  const space = cut.lastIndexOf(' ');
  const head = (space >= TITLE_LENGTH / 2 ? cut.slice(0, space) : flat.slice(0, TITLE_LENGTH))
    .replace(/[\s.,;:!?-]+$/, '')
    .trim();
  return `${head}…`;
}

// Keyset cursor: the row's updated_at as Postgres prints it (microseconds kept) and its id.
function encodeCursor(row: ConversationRow): string {
  return Buffer.from(`${row.cursor_at}|${row.id}`).toString('base64url');
}
function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !UUID.safeParse(id).success || Number.isNaN(Date.parse(at))) {
    throw new AppError('validation_failed', 'query.cursor: not a cursor from this list.');
  }
  return { at, id };
}

export async function listConversations(
  session: DbSession,
  query: z.input<typeof listConversationsQuery> = {},
): Promise<{ conversations: Conversation[]; nextCursor: string | null }> {
  const args = parseInput(listConversationsQuery, query);
  const after = args.cursor ? decodeCursor(args.cursor) : null;
  const archived = args.archived === 'true';
  const rows = await withUser(
    session,
    (tx) => tx<ConversationRow[]>`
      select id, title, org_id, model, created_at, updated_at, archived_at,
             to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
      from public.conversations
      where user_id = ${session.userId}
        and (archived_at is not null) = ${archived}
        ${after ? tx`and (updated_at, id) < (${after.at}::timestamptz, ${after.id}::uuid)` : tx``}
      order by updated_at desc, id desc
      limit ${args.limit + 1}`,
  );
  const page = rows.slice(0, args.limit);
  const last = page.at(-1);
  return {
    conversations: page.map(toConversation),
    nextCursor: rows.length > args.limit && last ? encodeCursor(last) : null,
  };
}

async function findConversation(tx: Tx, id: string): Promise<ConversationRow | undefined> {
  if (!UUID.safeParse(id).success) return undefined;
  const [row] = await tx<ConversationRow[]>`
    select id, title, org_id, model, created_at, updated_at, archived_at
    from public.conversations where id = ${id}`;
  return row;
}

/** The caller's conversation, or 404 (also for someone else's). */
export async function getConversation(session: DbSession, id: string): Promise<Conversation> {
  const row = await withUser(session, (tx) => findConversation(tx, id));
  if (!row) throw notFound();
  return toConversation(row);
}

export async function getConversationWithMessages(
  session: DbSession,
  id: string,
): Promise<Conversation & { messages: ConversationMessage[] }> {
  return withUser(session, async (tx) => {
    const row = await findConversation(tx, id);
    if (!row) throw notFound();
    const messages = await tx<MessageRow[]>`
      select * from public.conversation_messages where conversation_id = ${id} order by id limit 1000`;
    return { ...toConversation(row), messages: messages.map(toMessage) };
  });
}

export async function createConversation(
  session: DbSession,
  input: z.input<typeof createConversationInput> = {},
): Promise<Conversation> {
  const args = parseInput(createConversationInput, input);
  const row = one(
    await withUser(
      session,
      (tx) => tx<ConversationRow[]>`
      insert into public.conversations (title, org_id, model)
      values (${args.title ? redactPii(args.title) : null}, ${args.orgId ?? null}, ${args.model ?? null})
      returning id, title, org_id, model, created_at, updated_at, archived_at`,
    ).catch(notAMember),
    'result of conversations',
  );
  return toConversation(row);
}

export async function updateConversation(
  session: DbSession,
  id: string,
  input: z.input<typeof updateConversationInput>,
): Promise<Conversation> {
  const args = parseInput(updateConversationInput, input);
  if (!UUID.safeParse(id).success) throw notFound();
  const archivedAt = args.archived === undefined ? undefined : args.archived ? new Date() : null;
  const [row] = await withUser(
    session,
    (tx) => tx<ConversationRow[]>`
      update public.conversations set
        title = ${args.title === undefined ? tx`title` : redactPii(args.title)},
        archived_at = ${archivedAt === undefined ? tx`archived_at` : archivedAt}
      where id = ${id} and user_id = ${session.userId}
      returning id, title, org_id, model, created_at, updated_at, archived_at`,
  );
  if (!row) throw notFound();
  return toConversation(row);
}

export async function deleteConversation(session: DbSession, id: string): Promise<void> {
  if (!UUID.safeParse(id).success) throw notFound();
  const deleted = await withUser(
    session,
    (tx) =>
      tx`delete from public.conversations where id = ${id} and user_id = ${session.userId} returning id`,
  );
  if (deleted.length === 0) throw notFound();
}

export async function listMessages(
  session: DbSession,
  id: string,
  query: z.input<typeof listMessagesQuery> = {},
): Promise<{ messages: ConversationMessage[]; nextAfter: string | null }> {
  const args = parseInput(listMessagesQuery, query);
  return withUser(session, async (tx) => {
    if (!(await findConversation(tx, id))) throw notFound();
    const rows = await tx<MessageRow[]>`
      select * from public.conversation_messages
      where conversation_id = ${id} and id > ${(args.after ?? 0n).toString()}::bigint
      order by id limit ${args.limit + 1}`;
    const page = rows.slice(0, args.limit);
    return {
      messages: page.map(toMessage),
      nextAfter: rows.length > args.limit ? (page.at(-1)?.id.toString() ?? null) : null,
    };
  });
}

/** Appends a message without calling a model (an import, say); redacted, no cost. */
export async function appendMessage(
  session: DbSession,
  conversationId: string,
  input: z.input<typeof appendMessageInput>,
): Promise<ConversationMessage> {
  const args = parseInput(appendMessageInput, input);
  return withUser(session, async (tx) => {
    const conversation = await findConversation(tx, conversationId);
    if (!conversation) throw notFound();
    const row = one(
      await tx<MessageRow[]>`
      insert into public.conversation_messages (conversation_id, role, content, model)
      values (${conversationId}, ${args.role}, ${redactPii(args.content)}, ${args.model ?? null})
      returning *`,
      'result of conversation_messages',
    );
    if (args.role === 'user' && conversation.title === null) {
      await tx`update public.conversations set title = ${titleFrom(args.content)}
               where id = ${conversationId} and title is null`;
    }
    return toMessage(row);
  });
}

/**
 * Removes one message (the chat's stored prompt when the call was refused); a title that came
 * from it goes too.
 */
export async function deleteMessage(
  session: DbSession,
  messageId: string,
  options: { untitle?: boolean } = {},
): Promise<void> {
  await withUser(session, async (tx) => {
    const [removed] = await tx<{ conversation_id: string }[]>`
      delete from public.conversation_messages where id = ${messageId}::bigint
      returning conversation_id`;
    if (removed && options.untitle) {
      await tx`update public.conversations set title = null where id = ${removed.conversation_id}`;
    }
  });
}

/**
 * Stores a settled reply with what its call charged. Service only: the caller's ownership of the
 * conversation was checked when the chat began.
 */
export async function recordReply(
  conversationId: string,
  reply: { text: string; model: string; outcome: CallOutcome },
): Promise<void> {
  const { outcome } = reply;
  await asService(
    (tx) => tx`
      insert into public.conversation_messages (conversation_id, role, content, model, call_id, status,
        input_tokens, output_tokens, cached_tokens, credits_charged)
      values (${conversationId}, 'assistant', ${redactPii(reply.text).slice(0, 100_000)}, ${reply.model},
        ${outcome.callId}, ${outcome.status}, ${outcome.usage?.inputTokens ?? 0},
        ${outcome.usage?.outputTokens ?? 0}, ${outcome.usage?.cachedInputTokens ?? 0},
        ${outcome.creditsUsed.toString()}::bigint)`,
  );
}

/** Remembers the model and wallet a conversation last used. */
export async function noteChatSettings(
  session: DbSession,
  conversationId: string,
  settings: { model: string; orgId: string | null },
): Promise<void> {
  await withUser(
    session,
    (tx) => tx`
      update public.conversations set model = ${settings.model}, org_id = ${settings.orgId}
      where id = ${conversationId} and (model is distinct from ${settings.model}
        or org_id is distinct from ${settings.orgId})`,
  ).catch(notAMember);
}

function notAMember(error: unknown): never {
  if ((error as { code?: string }).code === '42501') {
    throw errors.notFound('The organization');
  }
  throw error;
}
