import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenAI-compatible server on 127.0.0.1 for gateway tests and the bench: POST
 * /v1/chat/completions (and /v1/embeddings, /v1/moderations, /v1/images/generations,
 * /v1/audio/transcriptions — see media below), streamed (SSE, with a final usage chunk when stream_options.include_usage
 * is set) or not. The last user message steers it with words like `mode=error-mid chunks=8
 * latency=20 cached=4`. Modes: ok (default), error-before (500), rate-limit (429), error-mid
 * (the connection drops after half the chunks), no-usage (no usage is ever reported).
 * `fail=N` makes the first N chat requests with that exact last user message fail with a 500
 * (a flaky provider that recovers on retry); counted per server. `stall=1` stops a stream after its
 * chunks, with no finish and no usage, until the client goes away (two minutes at most, the
 * gateway's default call timeout): a client that aborts mid-stream then always aborts before the
 * provider finishes, however busy the machine.
 */

export const MOCK_PROMPT_TOKENS = 20;

export interface MockDirectives {
  mode: 'ok' | 'error-before' | 'rate-limit' | 'error-mid' | 'no-usage';
  chunks: number;
  latency: number;
  cached: number;
  /** Fail this many requests with the same prompt before answering. */
  fail: number;
  /** Answer (not streamed) with a call of the first offered tool. */
  tool: boolean;
  /** After the chunks, wait for the client to leave instead of finishing. */
  stall: boolean;
}

interface ChatBody {
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: { role: string; content: unknown }[];
  tools?: { function: { name: string } }[];
  response_format?: { type: string };
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
    fail: Number(get('fail') ?? 0),
    tool: get('tool') === '1',
    stall: get('stall') === '1',
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

/** Text containing this directive is flagged by POST /v1/moderations. */
export const MODERATION_FLAG = 'moderation=flag';
/** Text containing this makes POST /v1/moderations fail with a 500. */
export const MODERATION_ERROR = 'moderation=error';
/** A chat message containing this makes the (non-streamed) reply carry MODERATION_FLAG. */
export const FLAG_OUTPUT = 'output=flag';
/** A 1×1 PNG, returned for every generated image. */
export const MOCK_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function failWith(response: ServerResponse, status: number): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { message: 'mock failure', type: 'server_error' } }));
}

/**
 * POST /v1/moderations: flags every input containing MODERATION_FLAG (violence, harassment) and
 * fails when one contains MODERATION_ERROR.
 */
async function moderations(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = (await readJson(request)) as { input?: string | string[] };
  const inputs = typeof body.input === 'string' ? [body.input] : (body.input ?? []);
  if (inputs.some((text) => text.includes(MODERATION_ERROR))) return failWith(response, 500);
  const results = inputs.map((text) => {
    const flagged = text.includes(MODERATION_FLAG);
    return {
      flagged,
      categories: { harassment: flagged, violence: flagged, sexual: false, 'self-harm': false },
      category_scores: { harassment: flagged ? 0.9 : 0.01, violence: flagged ? 0.8 : 0.01 },
      category_applied_input_types: {},
    };
  });
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ id: 'modr-mock', model: 'omni-moderation-latest', results }));
}

/** POST /v1/images/generations: n copies of MOCK_PNG_BASE64; the prompt steers like a chat. */
async function images(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = (await readJson(request)) as { prompt?: string; n?: number };
  const d = directivesOf(body.prompt ?? '');
  await sleep(d.latency);
  if (d.mode === 'error-before' || d.mode === 'rate-limit') {
    return failWith(response, d.mode === 'rate-limit' ? 429 : 500);
  }
  const data = Array.from({ length: body.n ?? 1 }, () => ({ b64_json: MOCK_PNG_BASE64 }));
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ created: 1, data }));
}

/** Seconds of a PCM WAV file from its header, or null. */
function wavSeconds(bytes: Uint8Array): number | null {
  const view = Buffer.from(bytes);
  if (view.length < 44 || view.toString('ascii', 0, 4) !== 'RIFF') return null;
  const byteRate = view.readUInt32LE(28);
  const dataSize = view.readUInt32LE(40);
  return byteRate > 0 ? dataSize / byteRate : null;
}

/**
 * POST /v1/audio/transcriptions (multipart): reports the duration of a WAV file from its header,
 * else 1 s per 16,000 bytes. The `prompt` field steers: mode=error-before (500), mode=no-usage
 * (no duration reported), duration=<seconds> (reported as given).
 */
async function transcriptions(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const form = await new Response(Buffer.concat(chunks), {
    headers: { 'content-type': request.headers['content-type'] ?? '' },
  }).formData();
  const file = form.get('file');
  const prompt = String(form.get('prompt') ?? '');
  const d = directivesOf(prompt);
  if (d.mode === 'error-before' || d.mode === 'rate-limit') {
    return failWith(response, d.mode === 'rate-limit' ? 429 : 500);
  }
  const bytes = file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
  const given = /duration=([\d.]+)/.exec(prompt)?.[1];
  const duration = given ? Number(given) : (wavSeconds(bytes) ?? bytes.length / 16_000);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      text: `mock transcript of ${bytes.length} bytes`,
      language: 'english',
      ...(d.mode === 'no-usage' ? {} : { duration }),
      segments: [],
    }),
  );
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  seen: Map<string, number> = new Map(),
): Promise<void> {
  if (request.method === 'POST' && request.url?.endsWith('/embeddings')) {
    return embeddings(request, response);
  }
  if (request.method === 'POST' && request.url?.endsWith('/moderations')) {
    return moderations(request, response);
  }
  if (request.method === 'POST' && request.url?.endsWith('/images/generations')) {
    return images(request, response);
  }
  if (request.method === 'POST' && request.url?.endsWith('/audio/transcriptions')) {
    return transcriptions(request, response);
  }
  if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
    response.writeHead(404).end();
    return;
  }
  const body = await readJson(request);
  const lastUser = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  const prompt = textOf(lastUser?.content);
  const d = directivesOf(prompt);
  await sleep(d.latency);
  const tries = (seen.get(prompt) ?? 0) + 1;
  if (d.fail > 0) seen.set(prompt, tries);
  if (tries <= d.fail) {
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ error: { message: 'mock flaky failure', type: 'server_error' } }),
    );
    return;
  }
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
            message: {
              role: 'assistant',
              content:
                'tok '.repeat(d.chunks) +
                (textOf(lastUser?.content).includes(FLAG_OUTPUT) ? MODERATION_FLAG : ''),
              // `tool=1` with tools offered: the model calls the first tool.
              ...(d.tool && body.tools?.[0]
                ? {
                    tool_calls: [
                      {
                        id: 'call_mock_1',
                        type: 'function',
                        function: {
                          name: body.tools[0].function.name,
                          arguments: '{"city":"Paris"}',
                        },
                      },
                    ],
                  }
                : {}),
            },
            finish_reason: d.tool && body.tools?.[0] ? 'tool_calls' : 'stop',
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
  if (d.stall) {
    await new Promise((resolve) => {
      response.once('close', resolve);
      setTimeout(resolve, 120_000).unref();
    });
    response.destroy();
    return;
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
  const seen = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    count += 1;
    authorization = request.headers.authorization;
    handle(request, response, seen).catch(() => response.destroy());
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
