import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible server on 127.0.0.1 for gateway tests and the bench: POST
 * /v1/chat/completions (and /v1/embeddings), streamed (SSE, with a final usage chunk when stream_options.include_usage
 * is set) or not. The last user message steers it with words like `mode=error-mid chunks=8
 * latency=20 cached=4`. Modes: ok (default), error-before (500), rate-limit (429), error-mid
 * (the connection drops after half the chunks), no-usage (no usage is ever reported).
 */

export const MOCK_PROMPT_TOKENS = 20;

export interface MockDirectives {
  mode: 'ok' | 'error-before' | 'rate-limit' | 'error-mid' | 'no-usage';
  chunks: number;
  latency: number;
  cached: number;
}

interface ChatBody {
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: { role: string; content: unknown }[];
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part as { text?: string }).text ?? '').join('');
  }
  return '';
}

export function directivesOf(text: string): MockDirectives {
  const get = (name: string) => new RegExp(`${name}=([\\w-]+)`).exec(text)?.[1];
  return {
    mode: (get('mode') as MockDirectives['mode'] | undefined) ?? 'ok',
    chunks: Number(get('chunks') ?? 5),
    latency: Number(get('latency') ?? 0),
    cached: Number(get('cached') ?? 0),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function usageOf(d: MockDirectives) {
  return {
    prompt_tokens: MOCK_PROMPT_TOKENS,
    completion_tokens: d.chunks,
    total_tokens: MOCK_PROMPT_TOKENS + d.chunks,
    prompt_tokens_details: { cached_tokens: d.cached },
  };
}

async function readJson(request: IncomingMessage): Promise<ChatBody> {
  let raw = '';
  for await (const chunk of request) raw += String(chunk);
  return JSON.parse(raw) as ChatBody;
}

/** POST /v1/embeddings: 7 prompt tokens per input; the first input steers like a chat does. */
async function embeddings(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = (await readJson(request)) as { input?: string[] };
  const values = body.input ?? [];
  const d = directivesOf(values[0] ?? '');
  if (d.mode === 'error-before' || d.mode === 'rate-limit') {
    response.writeHead(d.mode === 'rate-limit' ? 429 : 500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'mock failure', type: 'server_error' } }));
    return;
  }
  const tokens = 7 * values.length;
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      object: 'list',
      model: 'mock-embedding',
      data: values.map((_, index) => ({ object: 'embedding', index, embedding: [index, 1, 0] })),
      ...(d.mode === 'no-usage' ? {} : { usage: { prompt_tokens: tokens, total_tokens: tokens } }),
    }),
  );
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method === 'POST' && request.url?.endsWith('/embeddings')) {
    return embeddings(request, response);
  }
  if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
    response.writeHead(404).end();
    return;
  }
  const body = await readJson(request);
  const lastUser = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const d = directivesOf(textOf(lastUser?.content));
  await sleep(d.latency);
  if (d.mode === 'error-before' || d.mode === 'rate-limit') {
    const status = d.mode === 'rate-limit' ? 429 : 500;
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: { message: 'mock failure', type: 'server_error' } }));
    return;
  }
  const id = `chatcmpl-${Date.now()}`;
  const base = { id, object: 'chat.completion.chunk', created: 1, model: 'mock' };
  if (!body.stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created: 1,
        model: 'mock',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'tok '.repeat(d.chunks) },
            finish_reason: 'stop',
          },
        ],
        ...(d.mode === 'no-usage' ? {} : { usage: usageOf(d) }),
      }),
    );
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
  send({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] });
  for (let i = 0; i < d.chunks; i += 1) {
    if (d.mode === 'error-mid' && i === Math.floor(d.chunks / 2)) {
      response.destroy();
      return;
    }
    if (response.destroyed) return;
    send({ ...base, choices: [{ index: 0, delta: { content: 'tok ' } }] });
    await sleep(d.latency);
  }
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  if (body.stream_options?.include_usage && d.mode !== 'no-usage') {
    send({ ...base, choices: [], usage: usageOf(d) });
  }
  response.end('data: [DONE]\n\n');
}

export interface MockOpenAI {
  url: string;
  requests: () => number;
  /** The Authorization header of the last request (which API key the gateway used). */
  lastAuthorization: () => string | undefined;
  close: () => Promise<void>;
}

export async function startMockOpenAI(): Promise<MockOpenAI> {
  let count = 0;
  let authorization: string | undefined;
  const server: Server = createServer((request, response) => {
    count += 1;
    authorization = request.headers.authorization;
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => count,
    lastAuthorization: () => authorization,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
