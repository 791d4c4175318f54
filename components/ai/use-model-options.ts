'use client';

import { useQuery } from '@tanstack/react-query';
import { callApi } from '@/lib/api/client';
import { modelInList, modelListOf, modelOptionsOf, type ModelOption } from './model-options';

/**
 * The models a picker offers for the wallet in use ('' personal, else an org id): what the
 * caller may use there (the plan's models, an org's subset for members, flags), read from
 * GET /api/ai/models and refetched when the wallet changes. The page renders the first list on
 * the server, for the wallet it starts on.
 */
export function useModelOptions({
  orgId,
  capability,
  initial,
  chosen,
}: {
  orgId: string;
  capability: string;
  initial: { orgId: string; models: ModelOption[] };
  /** The model the user chose; `model` is it, or what replaces it where it is not allowed. */
  chosen: string;
}): { models: ModelOption[]; model: string; loading: boolean; error: string | null } {
  const query = useQuery({
    queryKey: ['ai', 'models', capability, orgId || 'personal'],
    queryFn: async ({ signal }) => {
      const url = orgId ? `/api/ai/models?orgId=${encodeURIComponent(orgId)}` : '/api/ai/models';
      return modelOptionsOf(modelListOf(await callApi(url, { signal })), capability);
    },
    initialData: orgId === initial.orgId ? initial.models : undefined,
    staleTime: 60_000,
  });
  const models = query.data ?? [];
  return {
    models,
    // While another wallet's list loads, the choice stands (the picker is disabled meanwhile).
    model: query.data ? modelInList(models, chosen) : chosen,
    loading: query.isPending,
    error: query.isError ? query.error.message : null,
  };
}
