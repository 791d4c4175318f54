import { z } from 'zod';
import { ApiError, callApi } from '@/lib/api/client';

/** Browser calls to /api/keys; errors become sentences people can act on. */

export const apiKeyViewSchema = z.object({
  id: z.string(),
  orgId: z.string().nullable(),
  name: z.string(),
  prefix: z.string(),
  environment: z.enum(['live', 'test']),
  scopes: z.array(z.string()),
  /** Micro-credits as a decimal string (bigint over JSON), null = no limit of its own. */
  monthlyLimitMicroCredits: z.string().regex(/^\d+$/).nullable(),
  requestsPerMinute: z.number().nullable(),
  expiresAt: z.coerce.date().nullable(),
  ipAllowlist: z.array(z.string()).nullable(),
  lastUsedAt: z.coerce.date().nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: z.coerce.date().nullable(),
  previousValidUntil: z.coerce.date().nullable(),
  status: z.enum(['active', 'revoked', 'expired']),
  createdAt: z.coerce.date(),
});
export type ApiKeyViewData = z.infer<typeof apiKeyViewSchema>;

const newKeySchema = z.object({ secret: z.string(), key: apiKeyViewSchema });

const FIELD_LABELS: Record<string, string> = {
  'body.name': 'The name',
  'body.scopes': 'The scopes',
  'body.monthlyLimitMicroCredits': 'The monthly limit',
  'body.requestsPerMinute': 'The requests per minute',
  'body.expiresAt': 'The expiry date',
  'body.ipAllowlist': 'An IP range',
  'body.graceSeconds': 'The grace period',
};

const call = (url: string, init: RequestInit = {}) => callApi(url, init, FIELD_LABELS);

export const apiKeysQueryKey = (orgId: string | null) => ['api-keys', orgId ?? 'personal'] as const;

export async function fetchApiKeys(orgId: string | null, signal?: AbortSignal) {
  const url = orgId ? `/api/keys?orgId=${encodeURIComponent(orgId)}` : '/api/keys';
  const body = await call(url, { signal });
  return z.object({ keys: z.array(apiKeyViewSchema) }).parse(body).keys;
}

export interface NewApiKeyRequest {
  name: string;
  scopes: string[];
  orgId: string | null;
  monthlyLimitMicroCredits: bigint | null;
  requestsPerMinute: number | null;
  expiresAt: Date | null;
  ipAllowlist: string[] | null;
}

export async function createApiKeyRequest(input: NewApiKeyRequest) {
  const body = await call('/api/keys', {
    method: 'POST',
    body: JSON.stringify({
      ...input,
      monthlyLimitMicroCredits: input.monthlyLimitMicroCredits?.toString() ?? null,
      expiresAt: input.expiresAt?.toISOString() ?? null,
    }),
  });
  return newKeySchema.parse(body);
}

export async function revokeApiKeyRequest(id: string) {
  const body = await call(`/api/keys/${encodeURIComponent(id)}/revoke`, { method: 'POST' });
  return z.object({ key: apiKeyViewSchema }).parse(body).key;
}

export async function rotateApiKeyRequest(id: string, graceSeconds: number) {
  const body = await call(`/api/keys/${encodeURIComponent(id)}/rotate`, {
    method: 'POST',
    body: JSON.stringify({ graceSeconds }),
  });
  return newKeySchema.parse(body);
}

export function apiKeyErrorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Try again.';
}
