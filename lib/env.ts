import { z } from 'zod';

/**
 * Every environment variable the app reads, validated in one place. Modules call `env()`; the
 * start scripts call `loadEnv()` first so a bad value stops start-up with the variable's name.
 */

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== ''
      );
    } catch {
      return false;
    }
  }, 'must be a postgres:// or postgresql:// URL with a host');

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const optionalUrl = optionalString.pipe(z.url().optional());

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // Database: unset means the embedded PostgreSQL started by `npm run dev`.
  DATABASE_URL: optionalString.pipe(postgresUrl.optional()),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // Prepared statements: unset decides from the URL (off on a transaction pooler, see lib/db/pool).
  DATABASE_PREPARE: optionalString.pipe(z.enum(['true', 'false']).optional()),
  // Server-side statement timeout of the web pool in ms; 0 sends none (poolers that refuse it).
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  // Background jobs (pg-boss) need a session-mode connection; unset means DATABASE_URL.
  JOBS_DATABASE_URL: optionalString.pipe(postgresUrl.optional()),
  // Supabase: unset means local mode with the demo sign-in.
  NEXT_PUBLIC_SUPABASE_URL: optionalUrl,
  NEXT_PUBLIC_SUPABASE_ANON_KEY: optionalString,
  // Local mode signs its session JWTs with this secret (Supabase mode never uses it).
  AUTH_JWT_SECRET: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  APP_URL: z.url().default('http://localhost:3000'),
  CRON_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
      .optional(),
  ),
  // API keys are stored as HMAC-SHA256 under this secret; unset means one derived from
  // AUTH_JWT_SECRET. Changing it invalidates every API key.
  API_KEY_PEPPER: optionalString.pipe(
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  // Which keys this deployment accepts: tg_live_… or tg_test_….
  API_KEY_ENVIRONMENT: z.enum(['live', 'test']).default('test'),
  // Email: SMTP server (smtp://user:pass@host:587, smtps://… for TLS) and the From address.
  // Unset SMTP_URL under `npm run dev` means the local catcher (LOCAL_MAIL_DIR, /dev/mail).
  SMTP_URL: optionalString.pipe(
    z
      .url()
      .refine(
        (value) => /^smtps?:$/.test(new URL(value).protocol),
        'must be an smtp:// or smtps:// URL',
      )
      .optional(),
  ),
  EMAIL_FROM: optionalString.transform(
    (value) => value ?? 'Tollgate <no-reply@tollgate.localhost>',
  ),
  // Set by `npm run dev` when it starts the local SMTP catcher: where caught mail is kept.
  LOCAL_MAIL_DIR: optionalString,
  // 1: show /dev/mail in a production build too (end-to-end tests of the built app only).
  LOCAL_MAIL: z.enum(['0', '1']).default('0'),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  STRIPE_API_URL: optionalUrl,
  // Pay-as-you-go: the event name of the Stripe Billing Meter that postpaid usage is reported to.
  STRIPE_METER_EVENT_NAME: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be a Stripe meter event name')
      .default('tollgate_postpaid_credits'),
  ),
  // Stripe Tax on subscription checkouts (automatic_tax); needs Stripe Tax set up in the dashboard.
  STRIPE_AUTOMATIC_TAX: optionalString
    .pipe(z.enum(['true', 'false']).optional())
    .transform((value) => value === 'true'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  ANTHROPIC_API_KEY: optionalString,
  GOOGLE_GENERATIVE_AI_API_KEY: optionalString,
});

type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid environment:\n' +
        issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join('\n') +
        '\nSee .env.example for what each variable means.',
    );
    this.name = 'EnvError';
  }
}

/** Parses an environment (by default `process.env`); throws EnvError naming each bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(unknown)'),
        message: issue.message,
      })),
    );
  }
  const value = parsed.data;
  if (value.NEXT_PUBLIC_SUPABASE_URL && !value.NEXT_PUBLIC_SUPABASE_ANON_KEY) {
    throw new EnvError([
      {
        variable: 'NEXT_PUBLIC_SUPABASE_ANON_KEY',
        message: 'is required when NEXT_PUBLIC_SUPABASE_URL is set',
      },
    ]);
  }
  return value;
}

let cached: Env | undefined;

/** The validated environment of this process, parsed once. */
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}

/** True when Supabase Auth is configured; false means local mode with the demo sign-in. */
export function isSupabaseAuth(): boolean {
  return Boolean(env().NEXT_PUBLIC_SUPABASE_URL);
}
