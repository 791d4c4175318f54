import 'server-only';
import { z } from 'zod';
import { checkBalanceBody, tokenStatsQuery } from '@/lib/aiTokens';
import {
  chatCompletion,
  chatCompletionChunk,
  chatCompletionRequest,
  embeddingList,
  embeddingRequest,
  keyUsage,
  keyUsageQuery,
  modelList,
} from '@/lib/gateway';

/**
 * Every `/api/v1` endpoint in one registry: method, path, who may call it, and the zod schemas
 * its route validates with. The OpenAPI document (GET /api/v1/openapi.json) and the endpoint
 * reference on /docs are both made from it, and a test checks it against the route files, so
 * the docs cannot drift from the code.
 */

export type V1Auth = 'api_key' | 'session' | 'none';

export interface V1Endpoint {
  method: 'GET' | 'POST';
  /** Below /api/v1. */
  path: string;
  summary: string;
  description: string;
  auth: V1Auth;
  /** Scopes of which the key needs one. */
  scopes?: string[];
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** A streamed answer's event (server-sent events). */
  streamed?: z.ZodType;
  example: { request?: unknown; query?: string; response: unknown };
}

export const creditsAnswer = z.object({
  object: z.literal('credits'),
  wallet: z.enum(['user', 'org']).describe('Whose wallet the key spends from.'),
  available: z.string().describe('Micro-credits available now (1 credit = 1,000,000).'),
  pending: z.string().describe('Micro-credits held by calls in flight.'),
  balance: z.string().describe('Posted balance: available plus pending.'),
});

const billing = {
  credits_used: '126',
  balance: '9999874',
  status: 'charged',
};

export const V1_ENDPOINTS: V1Endpoint[] = [
  {
    method: 'POST',
    path: '/chat/completions',
    summary: 'Create a chat completion',
    description:
      'OpenAI’s chat completions. With `stream: true` the answer is server-sent events of `chat.completion.chunk` ending in `data: [DONE]`; with `stream_options.include_usage` a last chunk carries the usage the call was settled by. Tools and `response_format` are passed to providers that support them. The call is held on the key’s wallet before the provider is asked and settled by the usage it reports.',
    auth: 'api_key',
    scopes: ['ai:chat'],
    body: chatCompletionRequest,
    response: chatCompletion,
    streamed: chatCompletionChunk,
    example: {
      request: {
        model: 'local-demo',
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello.' },
        ],
        max_tokens: 100,
      },
      response: {
        id: 'chatcmpl-6f1c…',
        object: 'chat.completion',
        created: 1796515273,
        model: 'local-demo',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello!', refusal: null },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage: {
          prompt_tokens: 17,
          completion_tokens: 3,
          total_tokens: 20,
          prompt_tokens_details: { cached_tokens: 0 },
        },
        tollgate: billing,
      },
    },
  },
  {
    method: 'POST',
    path: '/embeddings',
    summary: 'Create embeddings',
    description:
      'OpenAI’s embeddings for one string or up to 256. `encoding_format: "base64"` returns little-endian float32 vectors in base64 (the `openai` SDK asks for it by default and decodes it).',
    auth: 'api_key',
    scopes: ['ai:embeddings'],
    body: embeddingRequest,
    response: embeddingList,
    example: {
      request: { model: 'local-embed', input: ['first text', 'second text'] },
      response: {
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: [0.0123, -0.0456, 0.0789] },
          { object: 'embedding', index: 1, embedding: [0.0321, 0.0654, -0.0987] },
        ],
        model: 'local-embed',
        usage: { prompt_tokens: 4, total_tokens: 4 },
        tollgate: { ...billing, credits_used: '1' },
      },
    },
  },
  {
    method: 'GET',
    path: '/models',
    summary: 'List the models the key may call',
    description:
      'Active models on a configured provider that the key’s scopes allow (`ai:chat` for chat models, `ai:embeddings` for embedding models), with prices in micro-credits per 1,000 tokens.',
    auth: 'api_key',
    scopes: ['ai:chat', 'ai:embeddings'],
    response: modelList,
    example: {
      response: {
        object: 'list',
        data: [
          {
            id: 'local-demo',
            object: 'model',
            created: 1767225600,
            owned_by: 'local',
            capabilities: ['chat', 'completion'],
            context_window: 8192,
            max_output_tokens: 1024,
            credits_per_1k: { input: '0', cached_input: '0', output: '0' },
          },
        ],
      },
    },
  },
  {
    method: 'GET',
    path: '/credits',
    summary: 'Read the key’s wallet',
    description: 'The balance of the wallet the key spends from (yours, or the org’s).',
    auth: 'api_key',
    scopes: ['credits:read'],
    response: creditsAnswer,
    example: {
      response: {
        object: 'credits',
        wallet: 'user',
        available: '24999874',
        pending: '0',
        balance: '24999874',
      },
    },
  },
  {
    method: 'GET',
    path: '/usage',
    summary: 'Read the key’s usage',
    description:
      'The key’s calls, newest first (pass `next` as `after` for the next page), and what it spent this UTC month against its monthly limit.',
    auth: 'api_key',
    scopes: ['usage:read'],
    query: keyUsageQuery,
    response: keyUsage,
    example: {
      query: '?limit=1',
      response: {
        object: 'list',
        month: { start: '2026-12-01', used_micro_credits: '126', limit_micro_credits: '5000000' },
        data: [
          {
            id: '4211',
            created: 1796515273,
            model: 'local-demo',
            operation: 'chat',
            prompt_tokens: 17,
            completion_tokens: 3,
            cached_tokens: 0,
            credits_used: '126',
            success: true,
            error_code: null,
          },
        ],
        next: '4211',
      },
    },
  },
  {
    method: 'POST',
    path: '/allowances/check-balance',
    summary: 'Check or deduct a feature allowance',
    description:
      'For a signed-in session (cookie, or `Authorization: Bearer <session token>` in local mode): `check` says whether `actions` of a feature fit the plan’s allowance; `deduct` uses them (403 when the plan lacks the feature, 402 when the allowance is spent, 429 past the hourly limit).',
    auth: 'session',
    body: checkBalanceBody,
    response: z.record(z.string(), z.unknown()),
    example: {
      request: { action: 'check', tokenType: 'lead_generation', actions: 1, feature: 'leads' },
      response: { action: 'check', allowed: true, remaining: 495 },
    },
  },
  {
    method: 'GET',
    path: '/allowances/stats',
    summary: 'Feature allowance statistics',
    description: 'For a signed-in session: allowance balances and their use over a period.',
    auth: 'session',
    query: tokenStatsQuery,
    response: z.record(z.string(), z.unknown()),
    example: { query: '?period=30d', response: { period: '30d', allowances: [] } },
  },
  {
    method: 'POST',
    path: '/tokens/check-balance',
    summary: 'Check or deduct a feature allowance (old path of /allowances/check-balance)',
    description:
      'For a signed-in session (cookie, or `Authorization: Bearer <session token>` in local mode): `check` says whether `actions` of a feature fit the plan’s allowance; `deduct` uses them (403 when the plan lacks the feature, 402 when the allowance is spent, 429 past the hourly limit).',
    auth: 'session',
    body: checkBalanceBody,
    response: z.record(z.string(), z.unknown()),
    example: {
      request: { action: 'check', tokenType: 'lead_generation', actions: 1, feature: 'leads' },
      response: { action: 'check', allowed: true, remaining: 495 },
    },
  },
  {
    method: 'GET',
    path: '/tokens/stats',
    summary: 'Feature allowance statistics (old path of /allowances/stats)',
    description: 'For a signed-in session: allowance balances and their use over a period.',
    auth: 'session',
    query: tokenStatsQuery,
    response: z.record(z.string(), z.unknown()),
    example: { query: '?period=30d', response: { period: '30d', allowances: [] } },
  },
  {
    method: 'GET',
    path: '/openapi.json',
    summary: 'This API as OpenAPI 3.1',
    description: 'Generated from the same schemas the routes validate with. No authentication.',
    auth: 'none',
    response: z.record(z.string(), z.unknown()),
    example: { response: { openapi: '3.1.0', info: { title: 'Tollgate API' } } },
  },
];
