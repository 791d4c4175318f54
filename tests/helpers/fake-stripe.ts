import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addInterval } from '../../lib/stripe/local-subscription';

/**
 * A small fake of the Stripe API on 127.0.0.1 (random port) for the real `stripe` SDK to talk to
 * (STRIPE_API_URL). It records every request (method, path, form body decoded into objects,
 * Idempotency-Key) so tests assert exactly what was sent, replays idempotent requests like
 * Stripe does, and answers the endpoints Tollgate uses: customers, checkout sessions, payment
 * intents, products, prices, billing meter events (one event per identifier, like Stripe), and
 * subscription changes: price updates with proration invoices, invoice previews and subscription
 * schedules, with proration computed in whole cents so tests compare a charge with its preview.
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
  /** Subscriptions Stripe holds, by id (tests put the one a checkout would have created). */
  subscriptions: Map<string, Json>;
  /** Invoices the fake issued (proration and renewal invoices), by id. */
  invoices: Map<string, Json>;
  /** Subscription schedules, by id. */
  schedules: Map<string, Json>;
  /** Stores an object (a price, a product) as if it had been created through the API. */
  put(object: Json): void;
  /**
   * The period end of a subscription comes: the next phase of its schedule starts (then the
   * schedule is released), or a cancellation ends it; returns what Stripe would send about it.
   */
  renew(subscriptionId: string): { subscription: Json; invoice: Json | null };
  close(): Promise<void>;
}

/** amount × part ÷ whole in whole cents, rounded half up (integers only). */
function prorated(amount: number, part: number, whole: number): number {
  return Math.floor((2 * amount * part + whole) / (2 * whole));
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
    subscriptions: new Map(),
    invoices: new Map(),
    schedules: new Map(),
    put: (object) => void objects.set(String(object.id), object),
    renew: (subscriptionId) => renew(subscriptionId),
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

  const now = () => Math.floor(Date.now() / 1000);
  type Item = { id: string; current_period_start: number; current_period_end: number; price: Json };
  const itemOf = (subscription: Json) => (subscription.items as { data: Item[] }).data[0]!;
  const notFound = (what: string) => ({
    status: 404,
    body: { error: { type: 'invalid_request_error', message: `No such ${what}` } },
  });

  function invoiceFor(
    subscription: Json,
    reason: string,
    lines: { amount: number; start: number; end: number; proration: boolean }[],
  ): Json {
    const id = nextId('in');
    const due = Math.max(
      0,
      lines.reduce((sum, line) => sum + line.amount, 0),
    );
    return {
      id,
      object: 'invoice',
      customer: subscription.customer,
      status: 'paid',
      billing_reason: reason,
      amount_due: due,
      amount_paid: due,
      currency: 'usd',
      hosted_invoice_url: `https://invoice.stripe.test/${id}`,
      invoice_pdf: `https://invoice.stripe.test/${id}.pdf`,
      total_taxes: [],
      parent: {
        type: 'subscription_details',
        subscription_details: {
          subscription: subscription.id,
          metadata: { ...(subscription.metadata as Json) },
        },
      },
      lines: {
        object: 'list',
        data: lines.map((line, index) => ({
          id: `il_${id}_${index}`,
          amount: line.amount,
          proration: line.proration,
          period: { start: line.start, end: line.end },
          metadata: {},
        })),
      },
    };
  }

  /**
   * A price change at `at` with proration: the unused time of the old price credited, the rest of
   * the period at the new price charged; a new interval starts a new period at `at`, charged whole.
   */
  function priceChange(subscription: Json, priceId: string, at: number) {
    const item = itemOf(subscription);
    const price = objects.get(priceId);
    if (!price) return null;
    const oldPrice = item.price;
    const start = item.current_period_start;
    const end = item.current_period_end;
    const interval = (price.recurring as Json).interval as string;
    const newInterval = interval !== (oldPrice.recurring as Json).interval;
    const newEnd = newInterval ? addInterval(at, interval as 'month' | 'year') : end;
    const lines = [
      {
        amount: -prorated(Number(oldPrice.unit_amount), end - at, end - start),
        start: at,
        end,
        proration: true,
      },
      {
        amount: newInterval
          ? Number(price.unit_amount)
          : prorated(Number(price.unit_amount), end - at, end - start),
        start: at,
        end: newEnd,
        proration: !newInterval,
      },
    ];
    return { price, lines, periodStart: newInterval ? at : start, periodEnd: newEnd };
  }

  function renew(subscriptionId: string): { subscription: Json; invoice: Json | null } {
    const subscription = fake.subscriptions.get(subscriptionId)!;
    const item = itemOf(subscription);
    if (subscription.cancel_at_period_end === true) {
      subscription.status = 'canceled';
      return { subscription, invoice: null };
    }
    const schedule = subscription.schedule
      ? fake.schedules.get(String(subscription.schedule))
      : undefined;
    const phases = (schedule?.phases ?? []) as Json[];
    const next = phases[1];
    if (schedule && schedule.status === 'active' && schedule.inLastPhase) {
      // As Stripe: a schedule that ends by releasing lets go once its last phase is over.
      schedule.status = 'released';
      subscription.schedule = null;
    } else if (schedule && schedule.status === 'active' && next) {
      const nextItems = next.items as Json[];
      item.price = objects.get(String(nextItems[0]!.price))!;
      subscription.metadata = { ...(subscription.metadata as Json), ...(next.metadata as Json) };
      schedule.inLastPhase = true;
    }
    const start = item.current_period_end;
    const end = addInterval(start, (item.price.recurring as Json).interval as 'month' | 'year');
    item.current_period_start = start;
    item.current_period_end = end;
    const invoice = invoiceFor(subscription, 'subscription_cycle', [
      { amount: Number(item.price.unit_amount), start, end, proration: false },
    ]);
    fake.invoices.set(String(invoice.id), invoice);
    subscription.latest_invoice = invoice.id;
    return { subscription: structuredClone(subscription), invoice };
  }

  function subscriptionRoutes(method: string, path: string, body: FormObject) {
    const parts = path.split('/');
    if (parts[2] === 'subscriptions' && parts[3]) {
      const subscription = fake.subscriptions.get(parts[3]);
      if (!subscription) return notFound(`subscription: ${parts[3]}`);
      if (method === 'GET') return { status: 200, body: subscription };
      const items = body.items as FormObject[] | undefined;
      const priceId = items?.[0] ? String((items[0] as FormObject).price) : null;
      if (priceId && subscription.schedule) {
        return {
          status: 400,
          body: { error: { type: 'invalid_request_error', message: 'Managed by a schedule.' } },
        };
      }
      if (body.metadata) {
        subscription.metadata = { ...(subscription.metadata as Json), ...(body.metadata as Json) };
      }
      if (body.cancel_at_period_end !== undefined) {
        subscription.cancel_at_period_end = body.cancel_at_period_end === 'true';
      }
      if (priceId) {
        const change = priceChange(subscription, priceId, Number(body.proration_date ?? now()));
        if (!change) return notFound(`price: ${priceId}`);
        const item = itemOf(subscription);
        item.price = change.price;
        item.current_period_start = change.periodStart;
        item.current_period_end = change.periodEnd;
        if (body.proration_behavior === 'always_invoice') {
          const invoice = invoiceFor(subscription, 'subscription_update', change.lines);
          fake.invoices.set(String(invoice.id), invoice);
          subscription.latest_invoice = invoice.id;
        }
      }
      return { status: 200, body: structuredClone(subscription) };
    }
    if (method === 'POST' && path === '/v1/invoices/create_preview') {
      const subscription = fake.subscriptions.get(String(body.subscription));
      if (!subscription) return notFound(`subscription: ${String(body.subscription)}`);
      const details = body.subscription_details as FormObject;
      const item = (details.items as FormObject[])[0]!;
      const change = priceChange(
        subscription,
        String(item.price),
        Number(details.proration_date ?? now()),
      );
      if (!change) return notFound(`price: ${String(item.price)}`);
      const preview = invoiceFor(subscription, 'subscription_update', change.lines);
      return { status: 200, body: { ...preview, id: null, status: 'draft', amount_paid: 0 } };
    }
    if (parts[2] === 'subscription_schedules' && method === 'POST') {
      if (!parts[3]) {
        const subscription = fake.subscriptions.get(String(body.from_subscription));
        if (!subscription) return notFound(`subscription: ${String(body.from_subscription)}`);
        if (subscription.schedule) {
          // As Stripe: one schedule per subscription at a time.
          return {
            status: 400,
            body: {
              error: {
                type: 'invalid_request_error',
                message: `You cannot migrate a subscription that is already attached to a schedule: \`${String(subscription.schedule)}\`.`,
              },
            },
          };
        }
        const item = itemOf(subscription);
        const schedule: Json = {
          id: nextId('sub_sched'),
          object: 'subscription_schedule',
          subscription: subscription.id,
          status: 'active',
          end_behavior: 'release',
          phases: [
            {
              items: [{ price: item.price.id, quantity: 1 }],
              start_date: item.current_period_start,
              end_date: item.current_period_end,
            },
          ],
        };
        fake.schedules.set(String(schedule.id), schedule);
        subscription.schedule = schedule.id;
        return { status: 200, body: schedule };
      }
      const schedule = fake.schedules.get(parts[3]);
      if (!schedule) return notFound(`subscription_schedule: ${parts[3]}`);
      if (parts[4] === 'release') {
        schedule.status = 'released';
        const subscription = fake.subscriptions.get(String(schedule.subscription));
        if (subscription) subscription.schedule = null;
        return { status: 200, body: schedule };
      }
      Object.assign(schedule, body);
      return { status: 200, body: schedule };
    }
    return null;
  }

  function answer(method: string, path: string, body: FormObject): { status: number; body: Json } {
    if (fake.down) {
      return { status: 500, body: { error: { type: 'api_error', message: 'Stripe is down.' } } };
    }
    const [, , resource, id] = path.split('/');
    const billing = subscriptionRoutes(method, path, body);
    if (billing) return billing;
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
