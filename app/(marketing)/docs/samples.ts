/** The code samples of /docs, with the deployment's own address in them. */
export function samples(baseUrl: string) {
  const api = `${baseUrl}/api/v1`;
  return {
    curl: `curl -N ${api}/chat/completions \\
  -H "Authorization: Bearer $TOLLGATE_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{
    "model": "local-demo",
    "stream": true,
    "stream_options": { "include_usage": true },
    "messages": [{ "role": "user", "content": "Write a haiku about credits." }]
  }'`,
    openai: `import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: '${api}',
  apiKey: process.env.TOLLGATE_API_KEY,
});

const stream = await client.chat.completions.create({
  model: 'local-demo',
  messages: [{ role: 'user', content: 'Write a haiku about credits.' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta.content ?? '');
  if (chunk.usage) console.log('\\n', chunk.usage);
}`,
    aiSdk: `import { createOpenAI } from '@ai-sdk/openai';
import { streamText } from 'ai';

const tollgate = createOpenAI({
  baseURL: '${api}',
  apiKey: process.env.TOLLGATE_API_KEY,
});

const result = streamText({
  model: tollgate.chat('local-demo'),
  prompt: 'Write a haiku about credits.',
});
for await (const text of result.textStream) process.stdout.write(text);`,
    error: `HTTP/1.1 402 Payment Required
{
  "error": {
    "message": "Insufficient credits: 1106 micro-credits needed, 10 available.",
    "type": "insufficient_credits",
    "param": null,
    "code": "insufficient_credits"
  }
}`,
    idempotency: `curl ${api}/chat/completions \\
  -H "Authorization: Bearer $TOLLGATE_API_KEY" \\
  -H "Idempotency-Key: order-4711-summary" \\
  -H "Content-Type: application/json" \\
  -d '{"model": "local-demo", "messages": [{"role": "user", "content": "Summarise order 4711."}]}'`,
    webhook: `import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyTollgateSignature(
  rawBody: string,
  signatureHeader: string,
  secret: string,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(
    signatureHeader.split(',').map((part) => part.split('=', 2) as [string, string]),
  );
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(\`\${timestamp}.\${rawBody}\`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}`,
    inApp: `import { z } from 'zod';
import { route } from '@/lib/api';
import { generateChat } from '@/lib/gateway';

export const runtime = 'nodejs';

const body = z.object({ text: z.string().min(1).max(20_000), orgId: z.uuid().nullish() });

/** Summarises a text, metered on the caller's wallet (or the org's). */
export const POST = route({ body }, async ({ session, body, request }) => {
  const { text, outcome } = await generateChat(
    session,
    {
      model: 'local-demo',
      orgId: body.orgId,
      feature: 'summarize',
      operation: 'completion',
      maxOutputTokens: 300,
      prompt: [
        { role: 'system', content: 'Summarise in three sentences.' },
        { role: 'user', content: body.text },
      ],
    },
    request.signal,
  );
  return { text, creditsUsed: outcome.creditsUsed, balance: outcome.available };
});`,
  };
}
