import { z } from 'zod';
import type { CallOutcome } from '@/lib/gateway';

/** What the conversation endpoints accept and return (lib/ai/conversations does the work). */

const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;

export const createConversationInput = z
  .object({
    title: z.string().trim().min(1).max(200).nullish(),
    orgId: z.uuid().nullish(),
    model: z.string().trim().min(1).max(64).nullish(),
  })
  .strict();

export const updateConversationInput = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    archived: z.boolean().optional(),
  })
  .strict()
  .refine((input) => input.title !== undefined || input.archived !== undefined, {
    message: 'Send a title or archived.',
  });

export const listConversationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional(),
  archived: z.enum(['true', 'false']).default('false'),
});

export const appendMessageInput = z
  .object({
    role: z.enum(MESSAGE_ROLES),
    content: z.string().min(1).max(100_000),
    model: z.string().trim().min(1).max(64).nullish(),
  })
  .strict();

export const listMessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
  after: z.coerce.bigint().min(0n).optional(),
});

export interface Conversation {
  id: string;
  title: string | null;
  orgId: string | null;
  model: string | null;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
}

export interface ConversationMessage {
  id: string;
  role: (typeof MESSAGE_ROLES)[number];
  content: string;
  model: string | null;
  status: CallOutcome['status'] | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Micro-credits the reply's call charged. */
  creditsCharged: bigint;
  createdAt: Date;
}
