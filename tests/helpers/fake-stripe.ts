import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small fake of the Stripe API on 127.0.0.1 (random port) for the real `stripe` SDK to talk to
 * (STRIPE_API_URL). It records every request (method, path, form body decoded into objects,
 * Idempotency-Key) so tests assert exactly what was sent, replays idempotent requests like
 * Stripe does, and answers the endpoints Tollgate uses: customers, checkout sessions, payment
 * intents, products, prices and billing meter events (one event per identifier, like Stripe).
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export interface RecordedRequest {
  method: string;
  path: string;
  body: FormObject;
  idempotencyKey: string | null;
  authorization: string | null;
}

type Json = Record<string, unknown>;

/** Decodes Stripe's bracket notation (`a[b][0][c]=1`) into nested objects and arrays. */
export function decodeForm(text: string): FormObject {
  const root: FormObject = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const parts = rawKey.split(/\[|\]\[|\]/).filter((part) => part !== '');
    let node: FormObject = root;
    parts.forEach((part, index) => {
      if (index === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as FormObject;
    });
  }
  return arrayify(root) as FormObject;
}

function arrayify(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const entries = Object.fromEntries(keys.map((key) => [key, arrayify(value[key]!)]));
  return keys.length > 0 && keys.every((key, i) => key === String(i))
    ? keys.map((key) => entries[key]!)
    : entries;
}

function read(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

export interface FakeStripe {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one endpoint, e.g. requestsTo('POST', '/v1/checkout/sessions'). */
  requestsTo(method: string, path: string): RecordedRequest[];
  /** Off-session PaymentIntents fail with card_declined while this is set. */
  declineCards: boolean;
  /** GET /v1/payment_intents/:id answers 500 while this is set (Stripe having a bad day). */
  failPaymentIntentLookups: boolean;
  /** Every request answers 500 while this is set (Stripe down). */
  down: boolean;
  /** What GET /v1/payment_intents/:id answers (defaults to a paid card payment). */
  paymentIntents: Map<string, Json>;
  /** Billing meter events Stripe recorded, by identifier (a duplicate identifier adds nothing). */
  meterEvents: Map<string, Json>;
  /** The next N meter event requests answer 500 without recording anything. */
  failMeterEvents: number;
  /** The next N meter event requests are recorded, but the answer is a 500 (a lost reply). */
  loseMeterAnswers: number;
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const replies = new Map<string, { status: number; body: Json }>();
  const objects = new Map<string, Json>();
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}_fake${(counter += 1).toString().padStart(6, '0')}`;

  const fake: FakeStripe = {
    url: '',
    requests,
    requestsTo: (method, path) => requests.filter((r) => r.method === method && r.path === path),
    declineCards: false,
    failPaymentIntentLookups: false,
    down: false,
    paymentIntents: new Map(),
    meterEvents: new Map(),
    failMeterEvents: 0,
    loseMeterAnswers: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  function paymentIntent(id: string): Json {
    return (
      fake.paymentIntents.get(id) ?? {
        id,
        object: 'payment_intent',
        status: 'succeeded',
        latest_charge: {
          id: `ch_for_${id}`,
          object: 'charge',
          receipt_url: `https://pay.stripe.com/receipts/test/${id}`,
        },
        payment_method: {
          id: 'pm_card_visa',
          object: 'payment_method',
          card: { brand: 'visa', last4: '4242' },
        },
      }
    );
  }

  function answer(method: string, path: string, body: FormObject): { status: number; body: Json } {
    if (fake.down) {
      return { status: 500, body: { error: { type: 'api_error', message: 'Stripe is down.' } } };
    }
    const [, , resource, id] = path.split('/');
    if (method === 'POST' && path === '/v1/customers') {
      return { status: 200, body: { id: nextId('cus'), object: 'customer', ...body } };
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      const sessionId = nextId('cs_test');
      return {
        status: 200,
        body: {
          id: sessionId,
          object: 'checkout.session',
          url: `https://checkout.stripe.test/c/pay/${sessionId}`,
          status: 'open',
          payment_status: 'unpaid',
          ...body,
        },
      };
    }
    if (method === 'GET' && resource === 'payment_intents' && id) {
      if (fake.failPaymentIntentLookups) {
        return { status: 500, body: { error: { type: 'api_error', message: 'Try again later.' } } };
      }
      return { status: 200, body: paymentIntent(id) };
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const intentId = nextId('pi');
      if (fake.declineCards) {
        return {
          status: 402,
          body: {
            error: {
              type: 'card_error',
              code: 'card_declined',
              decline_code: 'insufficient_funds',
              message: 'Your card has insufficient funds.',
              payment_intent: {
                id: intentId,
                object: 'payment_intent',
                status: 'requires_payment_method',
              },
            },
          },
        };
      }
      return {
        status: 200,
        body: { id: intentId, object: 'payment_intent', status: 'succeeded', ...body },
      };
    }
    if (method === 'POST' && path === '/v1/billing/meter_events') {
      const failure = { error: { type: 'api_error', message: 'Try again later.' } };
      if (fake.failMeterEvents > 0) {
        fake.failMeterEvents -= 1;
        return { status: 500, body: failure };
      }
      const identifier = typeof body.identifier === 'string' ? body.identifier : nextId('mev');
      if (fake.meterEvents.has(identifier)) {
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'resource_already_exists',
              message: `An event with identifier ${identifier} already exists.`,
            },
          },
        };
      }
      const event: Json = {
        object: 'billing.meter_event',
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        ...body,
        identifier,
        timestamp: Number(body.timestamp ?? Math.floor(Date.now() / 1000)),
      };
      fake.meterEvents.set(identifier, event);
      if (fake.loseMeterAnswers > 0) {
        fake.loseMeterAnswers -= 1;
        return { status: 500, body: failure };
      }
      return { status: 200, body: event };
    }
    if ((resource === 'products' || resource === 'prices') && method === 'POST') {
      const object: Json = id
        ? { ...objects.get(id), ...body }
        : {
            id: nextId(resource === 'products' ? 'prod' : 'price'),
            object: resource.slice(0, -1),
            active: true,
            ...body,
          };
      if (resource === 'prices' && typeof object.unit_amount === 'string') {
        object.unit_amount = Number(object.unit_amount);
      }
      if (typeof object.active === 'string') object.active = object.active === 'true';
      objects.set(String(object.id), object);
      return { status: 200, body: object };
    }
    if (resource === 'billing_portal' && id === 'configurations') {
      const configId = path.split('/')[4];
      if (method === 'GET' && !configId) {
        const data = [...objects.values()].filter(
          (o) => o.object === 'billing_portal.configuration',
        );
        return { status: 200, body: { object: 'list', data, has_more: false, url: path } };
      }
      if (method === 'POST') {
        const object: Json = configId
          ? { ...objects.get(configId), ...body }
          : { id: nextId('bpc'), object: 'billing_portal.configuration', active: true, ...body };
        objects.set(String(object.id), object);
        return { status: 200, body: object };
      }
    }
    if (method === 'GET' && (resource === 'products' || resource === 'prices') && id) {
      const object = objects.get(id);
      return object
        ? { status: 200, body: object }
        : {
            status: 404,
            body: {
              error: { type: 'invalid_request_error', message: `No such ${resource}: ${id}` },
            },
          };
    }
    return {
      status: 404,
      body: {
        error: { type: 'invalid_request_error', message: `Unknown route ${method} ${path}` },
      },
    };
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const raw = await read(request);
      const body = decodeForm(request.method === 'GET' ? url.search.slice(1) : raw);
      const idempotencyKey = (request.headers['idempotency-key'] as string | undefined) ?? null;
      requests.push({
        method: request.method ?? 'GET',
        path: url.pathname,
        body,
        idempotencyKey,
        authorization: (request.headers.authorization as string | undefined) ?? null,
      });
      const replayKey = idempotencyKey
        ? `${request.method} ${url.pathname} ${idempotencyKey}`
        : null;
      const reply =
        (replayKey ? replies.get(replayKey) : undefined) ??
        answer(request.method ?? 'GET', url.pathname, body);
      // Like Stripe, a server error is not saved as the key's answer: a retry runs again.
      if (replayKey && reply.status < 500) replies.set(replayKey, reply);
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        'request-id': `req_${counter}`,
        ...(replayKey ? { 'idempotent-replayed': 'true' } : {}),
      });
      response.end(JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
