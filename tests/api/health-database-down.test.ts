import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { GET as health } from '../../app/api/health/route';
import { GET as me } from '../../app/api/me/route';
import { closePool } from '../../lib/db/pool';
import { createUser, request } from '../helpers/fixtures';

/**
 * /api/health with the database gone: a TCP proxy in front of this file's real database is
 * frozen (connections stay open, nothing answers: a hung server or a dropped network) and then
 * closed (connection refused). Health answers 503 within 2 s either way.
 */

const realUrl = new URL(process.env.DATABASE_URL!);
let frozen = false;
const sockets = new Set<net.Socket>();
const proxy = net.createServer((client) => {
  sockets.add(client);
  client.on('close', () => sockets.delete(client));
  client.on('error', () => {});
  if (frozen) return; // accepted, never answered
  const upstream = net.connect(Number(realUrl.port), '127.0.0.1');
  upstream.on('error', () => client.destroy());
  client.on('data', (chunk) => {
    if (!frozen) upstream.write(chunk);
  });
  upstream.on('data', (chunk) => {
    if (!frozen) client.write(chunk);
  });
  client.on('close', () => upstream.destroy());
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyPort = (proxy.address() as net.AddressInfo).port;
const proxiedUrl = new URL(realUrl);
proxiedUrl.hostname = '127.0.0.1';
proxiedUrl.port = String(proxyPort);

afterAll(async () => {
  await closePool().catch(() => {});
  process.env.DATABASE_URL = realUrl.toString();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
});

async function timedHealth(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await health(new Request('http://localhost/api/health'));
  return { status: response.status, ms: performance.now() - started };
}

describe('GET /api/health when the database is down', () => {
  it('is 200 through the proxy, then 503 within 2 s once the database hangs or refuses', async () => {
    const user = await createUser('Health watcher');
    // Signed in while the database is up (signing in opens a session row).
    const meRequest = await request('/api/me', { user });
    await closePool();
    process.env.DATABASE_URL = proxiedUrl.toString();
    expect((await timedHealth()).status).toBe(200);

    frozen = true; // the pooled connection stays open and nothing answers any more
    const hung = await timedHealth();
    expect(hung.status).toBe(503);
    expect(hung.ms).toBeLessThan(2_000);
    expect(hung.ms).toBeGreaterThan(1_000); // it did wait for the database, not bail out early

    await closePool().catch(() => {});
    const refusedConnections = timedHealth();
    const fresh = await refusedConnections; // new connections are accepted but never answered
    expect(fresh.status).toBe(503);
    expect(fresh.ms).toBeLessThan(2_000);

    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => proxy.close(resolve));
    await closePool().catch(() => {});
    const refused = await timedHealth(); // nothing listens on the port any more
    expect(refused.status).toBe(503);
    expect(refused.ms).toBeLessThan(2_000);

    // An ordinary request on the dead pool fails (5xx) instead of hanging.
    const started = performance.now();
    const response = await me(meRequest);
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});
