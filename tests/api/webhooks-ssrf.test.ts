import http from 'node:http';
import type net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { postPinned, WebhookTargetRefused } from '../../lib/webhooks/pinned-post';

/**
 * Delivery against real listeners on 127.0.0.1: in production no spelling of a local address and
 * no name resolving to one is ever connected to; the connection goes to the address that was
 * checked (pinned, Host header kept); a redirect is returned, never followed.
 */

interface Listener {
  port: number;
  connections: number;
  hosts: string[];
  server: http.Server;
}

async function listen(handler: http.RequestListener): Promise<Listener> {
  const listener: Listener = { port: 0, connections: 0, hosts: [], server: http.createServer() };
  listener.server.on('connection', () => (listener.connections += 1));
  listener.server.on('request', (request, response) => {
    listener.hosts.push(request.headers.host ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => listener.server.listen(0, '127.0.0.1', resolve));
  listener.port = (listener.server.address() as net.AddressInfo).port;
  return listener;
}

const target = await listen((_request, response) => response.end('ok'));
const redirected = await listen((_request, response) => response.end('should not be reached'));
const redirecting = await listen((_request, response) => {
  response.writeHead(302, { location: `http://127.0.0.1:${redirected.port}/next` });
  response.end();
});

afterAll(async () => {
  for (const listener of [target, redirected, redirecting]) {
    await new Promise((resolve) => listener.server.close(resolve));
  }
});

const post = (
  url: string,
  nodeEnv: string,
  resolve?: (host: string) => Promise<{ address: string; family: number }[]>,
) =>
  postPinned(url, {
    headers: { 'content-type': 'application/json' },
    body: '{"type":"test"}',
    signal: AbortSignal.timeout(5_000),
    nodeEnv,
    resolve,
  });

describe('webhook delivery in production', () => {
  it('never connects to 127.0.0.1, however it is written or resolved', async () => {
    const port = target.port;
    const urls = [
      `https://[::ffff:127.0.0.1]:${port}/`,
      `https://[::ffff:7f00:1]:${port}/`,
      `https://[0:0:0:0:0:ffff:127.0.0.1]:${port}/`,
      `https://[::127.0.0.1]:${port}/`,
      `https://localhost.:${port}/`,
      `http://localhost:${port}/`,
      `http://127.0.0.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://127.1:${port}/`,
      `http://[::1]:${port}/`,
    ];
    for (const url of urls) {
      await expect(post(url, 'production'), url).rejects.toBeInstanceOf(WebhookTargetRefused);
    }
    // A public-looking name whose DNS answer is loopback (or has a loopback among its answers).
    const rebinding = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    await expect(
      post(`http://hooks.example.test:${port}/`, 'production', rebinding),
    ).rejects.toThrow(/127\.0\.0\.1, a loopback address/);
    expect(target.connections).toBe(0);
  });

  it('connects to the resolved address it checked, with the Host header of the URL', async () => {
    let lookups = 0;
    const resolve = async () => {
      lookups += 1;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    // The development exception lets a name resolve to this machine; the pin is the same code.
    const response = await post(`http://hooks.example.test:${target.port}/in`, 'test', resolve);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    expect(lookups).toBe(1);
    expect(target.hosts.at(-1)).toBe(`hooks.example.test:${target.port}`);
  });

  it('returns a redirect without following it', async () => {
    const response = await post(`http://127.0.0.1:${redirecting.port}/`, 'test');
    expect(response.status).toBe(302);
    expect(redirecting.connections).toBe(1);
    expect(redirected.connections).toBe(0);
  });
});
