import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server for route handlers, so real clients (the `openai` SDK, `@ai-sdk/openai`,
 * fetch) can be pointed at the app: each request becomes a `Request` (its signal aborts when the
 * client goes away, as in Next.js) and is dispatched to the exported handler of the route module
 * for its path and method; the `Response` is written back as it streams. The client's socket
 * address is passed as `x-real-ip`, as a proxy in front of the app would.
 */

type Handler = (request: Request) => Promise<Response>;
export type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

export interface AppServer {
  url: string;
  close(): Promise<void>;
}

async function toRequest(incoming: IncomingMessage, base: string, signal: AbortSignal) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const address = incoming.socket.remoteAddress?.replace(/^::ffff:/, '');
  if (address) headers.set('x-real-ip', address);
  const chunks: Buffer[] = [];
  if (incoming.method !== 'GET' && incoming.method !== 'HEAD') {
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
  }
  return new Request(new URL(incoming.url ?? '/', base), {
    method: incoming.method,
    headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    signal,
  });
}

async function writeResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  outgoing.writeHead(response.status, headers);
  if (!response.body) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  outgoing.on('close', () => {
    if (!outgoing.writableFinished) void reader.cancel(new Error('The client went away.'));
  });
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) break;
    if (outgoing.destroyed) {
      await reader.cancel().catch(() => {});
      return;
    }
    outgoing.write(value);
  }
  outgoing.end();
}

/** Serves `routes` (path → route module) on 127.0.0.1 until `close`. */
export async function startAppServer(routes: Record<string, RouteModule>): Promise<AppServer> {
  let base = '';
  const server = createServer((incoming, outgoing) => {
    const controller = new AbortController();
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) controller.abort();
    });
    void (async () => {
      const path = new URL(incoming.url ?? '/', base).pathname;
      const handler = routes[path]?.[incoming.method as keyof RouteModule];
      if (!handler) {
        outgoing.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no route"}');
        return;
      }
      const response = await handler(await toRequest(incoming, base, controller.signal));
      await writeResponse(response, outgoing);
    })().catch((error: unknown) => {
      console.error('[app-server]', error);
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
