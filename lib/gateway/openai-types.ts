import { z } from 'zod';

/**
 * The OpenAI wire format the `/api/v1` endpoints speak: request bodies as zod schemas (the routes
 * validate with them and the OpenAPI document is generated from them), and the answers' shapes.
 * Only what Tollgate supports is accepted; unknown fields are ignored, as OpenAI's SDKs expect.
 */

const text = z.string().max(100_000);

const contentPart = z.object({ type: z.literal('text'), text });

const toolCall = z.object({
  id: z.string().min(1).max(200),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1).max(64), arguments: z.string().max(100_000) }),
});

export const chatMessage = z.discriminatedUnion('role', [
  z.object({
    role: z.enum(['system', 'developer']),
    content: z.union([text, z.array(contentPart).max(100)]),
    name: z.string().max(64).optional(),
  }),
  z.object({
    role: z.literal('user'),
    content: z.union([text, z.array(contentPart).min(1).max(100)]),
    name: z.string().max(64).optional(),
  }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([text, z.array(contentPart).max(100)]).nullish(),
    tool_calls: z.array(toolCall).max(128).optional(),
    name: z.string().max(64).optional(),
  }),
  z.object({
    role: z.literal('tool'),
    tool_call_id: z.string().min(1).max(200),
    content: z.union([text, z.array(contentPart).max(100)]),
  }),
]);
export type OpenAiChatMessage = z.infer<typeof chatMessage>;

const jsonSchemaObject = z.record(z.string(), z.unknown());

export const chatTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name has 1 to 64 letters, digits, _ or -'),
    description: z.string().max(10_000).optional(),
    parameters: jsonSchemaObject.optional(),
    strict: z.boolean().nullish(),
  }),
});

export const chatCompletionRequest = z
  .object({
    model: z.string().trim().min(1).max(64).describe('A model id from GET /api/v1/models.'),
    messages: z.array(chatMessage).min(1).max(200),
    stream: z.boolean().nullish().describe('Stream the answer as server-sent events.'),
    stream_options: z
      .object({ include_usage: z.boolean().optional() })
      .nullish()
      .describe('include_usage: a last chunk carries the usage (and what it cost).'),
    max_tokens: z.number().int().min(1).max(1_000_000).nullish(),
    max_completion_tokens: z.number().int().min(1).max(1_000_000).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    n: z.literal(1).nullish().describe('Only one choice per request.'),
    stop: z.union([z.string().max(1000), z.array(z.string().max(1000)).max(4)]).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    seed: z.number().int().nullish(),
    tools: z.array(chatTool).max(128).nullish(),
    tool_choice: z
      .union([
        z.enum(['none', 'auto', 'required']),
        z.object({ type: z.literal('function'), function: z.object({ name: z.string().max(64) }) }),
      ])
      .nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json_object') }),
        z.object({
          type: z.literal('json_schema'),
          json_schema: z.object({
            name: z.string().max(64),
            description: z.string().max(10_000).optional(),
            schema: jsonSchemaObject.optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      ])
      .nullish(),
    user: z.string().max(256).nullish(),
  })
  .refine((body) => !body.messages.every((message) => message.role !== 'user'), {
    message: 'Send at least one user message.',
    path: ['messages'],
  });
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

export const embeddingRequest = z.object({
  model: z.string().trim().min(1).max(64),
  input: z.union([
    z.string().min(1).max(30_000),
    z.array(z.string().min(1).max(30_000)).min(1).max(256),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  user: z.string().max(256).nullish(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequest>;

const usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }).optional(),
});

/** Tollgate's addition to OpenAI's usage: what the call cost and what is left, in micro-credits. */
const billing = z.object({
  credits_used: z.string().describe('Micro-credits charged for this call.'),
  balance: z
    .string()
    .describe(
      "The wallet's available micro-credits afterwards (in a stream: as of the call's admission, plus what its hold gave back).",
    ),
  status: z.enum(['charged', 'voided', 'counted', 'held', 'cached', 'byok']),
});

export const chatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.null(),
        tool_calls: z.array(toolCall).optional(),
      }),
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
      logprobs: z.null(),
    }),
  ),
  usage,
  tollgate: billing,
});
export type ChatCompletion = z.infer<typeof chatCompletion>;

export const chatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      delta: z.object({
        role: z.literal('assistant').optional(),
        content: z.string().optional(),
        tool_calls: z
          .array(
            z.object({
              index: z.number().int(),
              id: z.string().optional(),
              type: z.literal('function').optional(),
              function: z.object({
                name: z.string().optional(),
                arguments: z.string().optional(),
              }),
            }),
          )
          .optional(),
      }),
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']).nullable(),
    }),
  ),
  usage: usage.nullable().optional(),
  tollgate: billing.optional(),
});
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunk>;

export const embeddingList = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.number().int(),
      embedding: z.union([z.array(z.number()), z.string()]),
    }),
  ),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
  tollgate: billing,
});
export type EmbeddingList = z.infer<typeof embeddingList>;
