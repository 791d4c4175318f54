import type { UIMessage } from 'ai';
import { z } from 'zod';

/**
 * What the chat API and the assistant page share: the request body and the metadata that the
 * last chunk of every reply carries. Amounts are micro-credit decimal strings. Client-safe.
 */

export interface ChatMetadata {
  model: string;
  /** The call's id: feedback (thumbs up / down) names it. */
  callId?: string;
  /** Why this model ran: asked for, auto, or an experiment's arm. */
  modelChoice?: { reason: string; detail: string };
  /** How the call was settled: see CallOutcome in lib/ai/metered-call. */
  status?: 'charged' | 'voided' | 'counted' | 'held' | 'cached' | 'byok';
  creditsUsed?: string;
  /** The wallet's available micro-credits after this message (as of its admission, plus what its hold gave back). */
  balance?: string;
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
}

export type ChatMessage = UIMessage<ChatMetadata>;

const part = z.looseObject({ type: z.string().max(100), text: z.string().max(100_000).optional() });

const chatMessage = z.object({
  id: z.string().max(200).optional(),
  // Callers never write the system prompt of the assistant.
  role: z.enum(['user', 'assistant']),
  parts: z.array(part).max(100),
});

export const chatRequest = z.object({
  /** A model id, or "auto" (with `complexity`, or "auto:simple" …). */
  model: z.string().trim().min(1).max(64),
  complexity: z.enum(['simple', 'standard', 'complex']).optional(),
  orgId: z.uuid().nullish(),
  maxOutputTokens: z.number().int().min(1).max(100_000).optional(),
  messages: z.array(chatMessage).min(1).max(200),
  /** Persist this turn in the caller's conversation: the last user message and the reply. */
  conversationId: z.uuid().optional(),
});
export type ChatRequest = z.infer<typeof chatRequest>;
