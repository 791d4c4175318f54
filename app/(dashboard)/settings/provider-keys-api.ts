import { z } from 'zod';
import { ApiError, callApi } from '@/lib/api/client';

/** Browser calls to /api/ai/keys; errors become sentences people can act on. */

export const storedKeySchema = z.object({
  id: z.string(),
  provider: z.string(),
  hint: z.string(),
  createdAt: z.coerce.date(),
  /** Micro-USD as a decimal string (bigint over JSON), null = no limit. */
  monthlyLimitMicroUsd: z.string().regex(/^\d+$/).nullable(),
  expiresAt: z.coerce.date().nullable(),
});
export type StoredKeyView = z.infer<typeof storedKeySchema>;

const FIELD_LABELS: Record<string, string> = {
  'body.apiKey': 'The API key',
  'body.provider': 'The provider',
  'body.monthlyLimitMicroUsd': 'The monthly limit',
  'body.expiresAt': 'The expiry date',
};

const call = (url: string, init: RequestInit = {}) => callApi(url, init, FIELD_LABELS);

/** The same rules the API applies, checked before the key leaves the browser. */
export const apiKeyInput = z
  .string()
  .trim()
  .min(8, 'The API key is too short: paste the whole key.')
  .max(500, 'The API key is too long: paste only the key.')
  .regex(/^[\x21-\x7e]+$/, 'The API key cannot contain spaces or special characters.');

export const keyQueryKey = (orgId: string | null) => ['ai-keys', orgId ?? 'personal'] as const;

function withScope(path: string, orgId: string | null): string {
  return orgId ? `${path}?orgId=${encodeURIComponent(orgId)}` : path;
}

export async function fetchKeys(orgId: string | null, signal?: AbortSignal) {
  const body = await call(withScope('/api/ai/keys', orgId), { signal });
  return z.object({ keys: z.array(storedKeySchema) }).parse(body).keys;
}

export async function saveKey(input: {
  provider: string;
  apiKey: string;
  orgId: string | null;
  monthlyLimitMicroUsd: bigint | null;
  expiresAt: Date | null;
}) {
  const body = await call('/api/ai/keys', {
    method: 'POST',
    body: JSON.stringify({
      provider: input.provider,
      apiKey: input.apiKey,
      orgId: input.orgId,
      monthlyLimitMicroUsd: input.monthlyLimitMicroUsd?.toString() ?? null,
      expiresAt: input.expiresAt?.toISOString() ?? null,
    }),
  });
  return storedKeySchema.parse(body);
}

export async function deleteKey(provider: string, orgId: string | null) {
  const body = await call(withScope(`/api/ai/keys/${encodeURIComponent(provider)}`, orgId), {
    method: 'DELETE',
  });
  return z.object({ deleted: z.boolean() }).parse(body).deleted;
}

export function keyErrorMessage(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Try again.';
}
