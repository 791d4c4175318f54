import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { MarketingFooter, MarketingHeader } from '@/components/layout/marketing-chrome';
import { Code, CodeBlock } from '@/components/docs/code-block';
import { EndpointReference } from '@/components/docs/endpoint-reference';
import { V1_ENDPOINTS } from '@/lib/api';
import { samples } from './samples';

export const metadata: Metadata = {
  title: 'Developer docs · Tollgate',
  description: 'Call Tollgate’s metered, OpenAI-compatible API with an API key.',
};

const sections = [
  ['quick-start', 'Quick start'],
  ['endpoints', 'Endpoints'],
  ['errors', 'Errors'],
  ['limits', 'Key limits'],
  ['idempotency', 'Idempotency'],
  ['webhooks', 'Webhooks'],
  ['in-app', 'Metered features in the app'],
] as const;

const errorRows: [string, string, string][] = [
  ['400', 'invalid_request_error', 'A body OpenAI would reject; param names the field.'],
  [
    '401',
    'authentication_error',
    'No key, or a malformed, unknown, revoked or expired one, or one of another environment.',
  ],
  [
    '402',
    'insufficient_credits',
    'The wallet cannot cover the call, or the key’s monthly limit is reached (code key_limit).',
  ],
  [
    '403',
    'permission_error',
    'The key lacks the scope (missing_scope), or the address is outside its allowlist (ip_not_allowed).',
  ],
  ['404', 'invalid_request_error', 'Unknown model (model_not_found).'],
  ['409', 'invalid_request_error', 'An Idempotency-Key reused for a different request.'],
  [
    '429',
    'rate_limit_error',
    'The key’s requests per minute or the plan’s hourly limit; wait Retry-After seconds.',
  ],
  ['503', 'server_error', 'The model provider failed; unused credits were released.'],
];

/** The public developer guide: API keys, the OpenAI-compatible endpoints, webhooks, in-app features. */
export default async function DocsPage() {
  const list = await headers();
  const host = list.get('x-forwarded-host') ?? list.get('host') ?? 'localhost:3000';
  const proto = list.get('x-forwarded-proto') ?? (host.startsWith('localhost') ? 'http' : 'https');
  const baseUrl = `${proto}://${host}`;
  const code = samples(baseUrl);
  return (
    <div className="flex min-h-dvh flex-col">
      <MarketingHeader current="docs" sticky />

      <div className="mx-auto grid w-full max-w-6xl flex-1 gap-10 px-4 py-10 md:px-6 lg:grid-cols-[200px_minmax(0,1fr)]">
        <nav aria-label="On this page" className="hidden lg:block">
          <ul className="sticky top-24 flex flex-col gap-2 text-sm">
            {sections.map(([id, label]) => (
              <li key={id}>
                <a href={`#${id}`} className="text-muted-foreground hover:text-foreground">
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>

        <main className="flex min-w-0 flex-col gap-14">
          <div>
            <h1 className="text-3xl font-semibold tracking-tight">Developer docs</h1>
            <p className="text-muted-foreground mt-3 max-w-2xl">
              Tollgate speaks OpenAI’s API under <Code>/api/v1</Code>: point any OpenAI client at it
              with an API key, and every call is held on your wallet before the model is asked and
              charged by what the model really used. The machine-readable version is{' '}
              <a className="text-primary underline" href="/api/v1/openapi.json">
                /api/v1/openapi.json
              </a>{' '}
              (OpenAPI 3.1).
            </p>
          </div>

          <section id="quick-start" aria-labelledby="quick-start-title" className="scroll-mt-20">
            <h2 id="quick-start-title" className="text-2xl font-semibold">
              Quick start
            </h2>
            <ol className="mt-4 flex list-decimal flex-col gap-2 pl-5 text-sm">
              <li>
                Sign in and open{' '}
                <Link className="text-primary underline" href="/settings#api-keys">
                  Settings → API keys
                </Link>
                . Create a key with the scopes you need (<Code>ai:chat</Code> to chat) and copy its
                secret: it is shown once.
              </li>
              <li>
                Keep it in an environment variable: <Code>export TOLLGATE_API_KEY=tg_test_…</Code>
              </li>
              <li>Call the API. Amounts are micro-credits: 1 credit = 1,000,000.</li>
            </ol>
            <div className="mt-6 flex flex-col gap-6">
              <CodeBlock label="curl (streamed)" code={code.curl} />
              <CodeBlock label="The openai package (npm i openai)" code={code.openai} />
              <CodeBlock label="The AI SDK (npm i ai @ai-sdk/openai)" code={code.aiSdk} />
            </div>
            <p className="text-muted-foreground mt-4 text-sm">
              Without provider keys, the built-in model <Code>local-demo</Code> answers (and{' '}
              <Code>local-embed</Code> embeds), so all of this works on a fresh{' '}
              <Code>npm run dev</Code>. Each answer carries a <Code>tollgate</Code> object with the
              micro-credits charged and the balance left; the charge also shows under Credits.
            </p>
          </section>

          <section id="endpoints" aria-labelledby="endpoints-title" className="scroll-mt-20">
            <h2 id="endpoints-title" className="text-2xl font-semibold">
              Endpoints
            </h2>
            <p className="text-muted-foreground mt-2 text-sm">
              Send <Code>Authorization: Bearer &lt;key&gt;</Code>. Unknown fields are ignored.
            </p>
            <div className="mt-6 flex flex-col gap-8">
              {V1_ENDPOINTS.map((endpoint) => (
                <EndpointReference
                  key={`${endpoint.method} ${endpoint.path}`}
                  endpoint={endpoint}
                  baseUrl={baseUrl}
                />
              ))}
            </div>
          </section>

          <section id="errors" aria-labelledby="errors-title" className="scroll-mt-20">
            <h2 id="errors-title" className="text-2xl font-semibold">
              Errors
            </h2>
            <p className="text-muted-foreground mt-2 text-sm">
              In OpenAI’s shape, so the SDKs raise their usual errors. A refused call writes nothing
              and charges nothing.
            </p>
            <CodeBlock className="mt-4" code={code.error} />
            <div className="mt-4 max-w-full overflow-x-auto max-sm:overflow-x-visible">
              <table className="table-stack w-full text-left text-sm">
                <caption className="sr-only">Error statuses</caption>
                <thead>
                  <tr className="border-b">
                    <th scope="col" className="py-1 pr-4 font-medium">
                      Status
                    </th>
                    <th scope="col" className="py-1 pr-4 font-medium">
                      type
                    </th>
                    <th scope="col" className="py-1 font-medium">
                      When
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {errorRows.map(([status, type, when]) => (
                    <tr key={status} className="border-b align-top last:border-0">
                      <td className="py-1 pr-4 font-medium">{status}</td>
                      <td data-label="type" className="py-1 pr-4">
                        <Code>{type}</Code>
                      </td>
                      <td data-label="When" className="text-muted-foreground py-1">
                        {when}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>

          <section id="limits" aria-labelledby="limits-title" className="scroll-mt-20">
            <h2 id="limits-title" className="text-2xl font-semibold">
              Key limits
            </h2>
            <ul className="text-muted-foreground mt-4 flex list-disc flex-col gap-2 pl-5 text-sm">
              <li>
                <strong className="text-foreground">Scopes</strong>: <Code>ai:chat</Code>,{' '}
                <Code>ai:embeddings</Code>, <Code>credits:read</Code>, <Code>usage:read</Code>.
              </li>
              <li>
                <strong className="text-foreground">Monthly spend limit</strong>: counted in the
                ledger when a call is admitted. A call’s hold counts against the key’s UTC month
                until it is settled by what was really used, so concurrent calls can never take the
                key past its limit.
              </li>
              <li>
                <strong className="text-foreground">Requests per minute</strong>: per UTC minute;
                past it, 429 with <Code>Retry-After</Code>.
              </li>
              <li>
                <strong className="text-foreground">IP allowlist</strong> (CIDRs),{' '}
                <strong className="text-foreground">expiry</strong>, revocation and rotation with a
                grace period. An org key stops working when its creator leaves the org.
              </li>
              <li>
                The plan’s limits (requests per hour, monthly tokens), kill switches and moderation
                apply as they do in the app.
              </li>
            </ul>
          </section>

          <section id="idempotency" aria-labelledby="idempotency-title" className="scroll-mt-20">
            <h2 id="idempotency-title" className="text-2xl font-semibold">
              Idempotency
            </h2>
            <p className="text-muted-foreground mt-2 text-sm">
              Send an <Code>Idempotency-Key</Code> header (1–255 printable characters) with a POST:
              a retry with the same key, even one sent at the same moment, gets the first answer
              back with <Code>Idempotent-Replayed: true</Code> and is charged once. Streams are
              replayed too, once they have ended. The same key on a different body is a 409. Answers
              are kept 24 hours, per API key.
            </p>
            <CodeBlock className="mt-4" code={code.idempotency} />
          </section>

          <section id="webhooks" aria-labelledby="webhooks-title" className="scroll-mt-20">
            <h2 id="webhooks-title" className="text-2xl font-semibold">
              Webhooks
            </h2>
            <p className="text-muted-foreground mt-2 text-sm">
              Add endpoints under Settings → Webhooks. Each delivery is a POST of{' '}
              <Code>{'{ id, type, created_at, data }'}</Code> with <Code>Tollgate-Event-Id</Code>,{' '}
              <Code>Tollgate-Event-Type</Code> and{' '}
              <Code>
                {
                  'Tollgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>'
                }
              </Code>
              . Verify it on the raw body before parsing, and answer 2xx within 10 seconds; failures
              are retried with backoff for 24 hours.
            </p>
            <CodeBlock className="mt-4" label="Verify a delivery (Node)" code={code.webhook} />
          </section>

          <section id="in-app" aria-labelledby="in-app-title" className="scroll-mt-20">
            <h2 id="in-app-title" className="text-2xl font-semibold">
              Metered features in the app
            </h2>
            <p className="text-muted-foreground mt-2 text-sm">
              Inside Tollgate, a new AI feature calls the gateway’s helpers in{' '}
              <Code>lib/gateway</Code> from a route or server action: kill switches, rate and plan
              limits, the hold, the provider call, settlement by real usage and the usage record
              come with it. <Code>streamChat</Code> streams to the AI SDK’s <Code>useChat</Code>;{' '}
              <Code>embedMetered</Code> embeds; <Code>lib/ai</Code>’s <Code>runAiFeature</Code> adds
              a plan allowance on top.
            </p>
            <CodeBlock className="mt-4" label="app/api/summarize/route.ts" code={code.inApp} />
          </section>
        </main>
      </div>

      <MarketingFooter />
    </div>
  );
}
