import 'server-only';
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { AppError } from '@/lib/core';
import { addressProblem, internalTargetsAllowed, literalAddress } from './safe-address';

/**
 * Delivery that cannot be steered to an internal address: the host is resolved once, every
 * address it resolves to is checked, and the connection goes to the checked address (a pinned
 * lookup, so DNS cannot answer differently in between). Host header and TLS SNI stay the URL's
 * host name. Redirects are returned as they are, never followed.
 */

const EXCERPT_BYTES = 64 * 1024;

export class WebhookTargetRefused extends Error {
  override name = 'WebhookTargetRefused';
}

export interface CheckedTarget {
  address: string;
  family: 4 | 6;
}

type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;
const systemResolve: Resolve = (host) => dns.lookup(host, { all: true, verbatim: true });

/** Resolves `url`'s host and refuses it unless every address is public (see safe-address.ts). */
export async function checkTarget(
  url: URL,
  options: { nodeEnv?: string; resolve?: Resolve } = {},
): Promise<CheckedTarget> {
  const allowInternal = internalTargetsAllowed(options.nodeEnv ?? process.env.NODE_ENV);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = literalAddress(host);
  const name = host.replace(/\.+$/, '').toLowerCase();
  if (!literal && !allowInternal && (name === 'localhost' || name.endsWith('.localhost'))) {
    throw new WebhookTargetRefused(`${host} is this machine.`);
  }
  const found = literal
    ? [{ address: literal, family: net.isIPv6(literal) ? 6 : 4 }]
    : await (options.resolve ?? systemResolve)(host);
  if (found.length === 0) throw new WebhookTargetRefused(`${host} does not resolve.`);
  if (!allowInternal) {
    for (const { address } of found) {
      const problem = addressProblem(address);
      if (problem) {
        throw new WebhookTargetRefused(`${host} resolves to ${address}, a ${problem} address.`);
      }
    }
  }
  const first = found[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** POSTs `body` to `url`, connecting only to the checked address; resolves with the response. */
export async function postPinned(
  url: string,
  init: {
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
    nodeEnv?: string;
    resolve?: Resolve;
  },
): Promise<Response> {
  const target = new URL(url);
  const checked = await checkTarget(target, { nodeEnv: init.nodeEnv, resolve: init.resolve });
  const lookup: net.LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...init.headers, 'content-length': Buffer.byteLength(init.body).toString() },
        lookup,
        agent: false,
        signal: init.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', reject);
        response.on('end', () => {
          try {
            resolve(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 500 }));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on('error', (error) => reject(init.signal.aborted ? init.signal.reason : error));
    request.end(init.body);
  });
}

/**
 * Save-time check of an endpoint URL: refused (422) when its host is or resolves to a non-public
 * address. A name that does not resolve right now is kept; every delivery checks again.
 */
export async function assertPublicTarget(url: string): Promise<void> {
  try {
    await checkTarget(new URL(url));
  } catch (error) {
    if (error instanceof WebhookTargetRefused) {
      throw new AppError('validation_failed', `url: ${error.message}`, { field: 'url' });
    }
  }
}
