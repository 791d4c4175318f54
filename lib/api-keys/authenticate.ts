import 'server-only';
import { isIP } from 'node:net';
import { AppError, type Subject } from '@/lib/core';
import { asService, type DbSession } from '@/lib/db';
import type { ApiKeyScope } from './scopes';
import {
  currentEnvironment,
  hashApiKey,
  parseApiKeySecret,
  type ApiKeyEnvironment,
} from './secret';

/**
 * Who an API request is: the key its secret names, when that key may be used now from the
 * caller's address. A malformed secret or one of another environment is refused before the
 * database is asked; otherwise one SQL call checks hash, revocation, expiry, the creator's
 * membership and the allowlist, and records the use only when it succeeds. Refusals never echo
 * the secret.
 */

export interface ApiKeyPrincipal {
  keyId: string;
  subject: Subject;
  /** Who created the key (an org key acts for its creator within the org). */
  createdBy: string;
  environment: ApiKeyEnvironment;
  scopes: ApiKeyScope[];
  monthlyLimitMicroCredits: bigint | null;
  requestsPerMinute: number | null;
  /** The wallet the key spends from: its subject's. */
  walletId: string;
  /**
   * The database session the key's calls run under: its creator, with the key's id in the claims
   * so the ledger counts what the call holds and spends against the key's month.
   */
  session: DbSession;
}

type Refusal = 'malformed' | 'environment' | 'invalid' | 'revoked' | 'expired' | 'inactive';

const REFUSALS: Record<Refusal, string> = {
  malformed: 'The API key is malformed.',
  environment: 'The API key belongs to another environment.',
  invalid: 'The API key is not valid.',
  revoked: 'The API key was revoked.',
  expired: 'The API key has expired.',
  inactive: 'The API key is no longer active.',
};

function refused(reason: Refusal): AppError {
  return new AppError(
    'unauthorized',
    REFUSALS[reason],
    { reason },
    { 'WWW-Authenticate': 'Bearer' },
  );
}

interface AuthenticateRow {
  refusal: Refusal | 'ip_not_allowed' | 'rate_limited' | null;
  id: string | null;
  subject_kind: 'user' | 'org' | null;
  subject_id: string | null;
  created_by: string | null;
  environment: ApiKeyEnvironment | null;
  scopes: ApiKeyScope[] | null;
  monthly_limit_micro_credits: bigint | string | null;
  requests_per_minute: number | null;
  wallet_id: string | null;
  retry_after: number | null;
}

export async function authenticateApiKey(
  secret: string,
  ip: string | null,
): Promise<ApiKeyPrincipal> {
  const environment = parseApiKeySecret(secret);
  if (!environment) throw refused('malformed');
  if (environment !== currentEnvironment()) throw refused('environment');
  const address = ip && isIP(ip) ? ip : null;
  const [row] = await asService(
    (tx) => tx<AuthenticateRow[]>`
      select * from public.api_key_authenticate(${hashApiKey(secret)}, ${address}::inet)`,
  );
  if (!row) throw refused('invalid');
  if (row.refusal === 'ip_not_allowed') {
    throw new AppError('forbidden', 'The API key may not be used from this address.', {
      reason: 'ip_not_allowed',
    });
  }
  if (row.refusal === 'rate_limited') {
    const retryAfter = row.retry_after ?? 60;
    throw new AppError(
      'rate_limited',
      `The API key allows ${row.requests_per_minute} requests per minute. Try again in ${retryAfter} seconds.`,
      { reason: 'key_rate_limit', retryAfter, limit: row.requests_per_minute },
      { 'Retry-After': String(retryAfter) },
    );
  }
  if (row.refusal || !row.id) throw refused(row.refusal ?? 'invalid');
  return {
    keyId: row.id,
    subject: { kind: row.subject_kind!, id: row.subject_id! },
    createdBy: row.created_by!,
    environment: row.environment!,
    scopes: row.scopes!,
    monthlyLimitMicroCredits:
      row.monthly_limit_micro_credits === null ? null : BigInt(row.monthly_limit_micro_credits),
    requestsPerMinute: row.requests_per_minute,
    walletId: row.wallet_id!,
    session: {
      userId: row.created_by!,
      claims: {
        sub: row.created_by!,
        role: 'authenticated',
        aud: 'authenticated',
        api_key_id: row.id,
      },
    },
  };
}

/** Fails 403 unless the key carries the scope. */
export function requireScope(principal: ApiKeyPrincipal, scope: ApiKeyScope): void {
  if (!principal.scopes.includes(scope)) {
    throw new AppError('forbidden', `The API key lacks the ${scope} scope.`, {
      reason: 'missing_scope',
      scope,
    });
  }
}
