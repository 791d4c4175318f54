import 'server-only';
import { z } from 'zod';
import { parseInput } from '@/lib/core';
import { withUser, type DbSession } from '@/lib/db';
import { forgetAccessProfiles } from './access';

/**
 * The subset of models an org's owners and admins allow its members (members only: owners and
 * admins keep what the plan includes). Empty = no restriction. Read by every member, written
 * through org_models_set, which checks the role, refuses models outside the plan and audits.
 */

export const orgModelsInput = z.object({
  orgId: z.uuid(),
  models: z.array(z.string().trim().min(1).max(64)).max(200),
});

export async function getOrgModels(session: DbSession, orgId: string): Promise<string[]> {
  const rows = await withUser(
    session,
    (tx) => tx<{ model_id: string }[]>`
      select model_id from public.org_model_restrictions where org_id = ${orgId} order by model_id`,
  );
  return rows.map((row) => row.model_id);
}

export async function setOrgModels(
  session: DbSession,
  input: z.input<typeof orgModelsInput>,
): Promise<void> {
  const o = parseInput(orgModelsInput, input);
  await withUser(
    session,
    (tx) => tx`select public.org_models_set(${o.orgId}, ${o.models}::text[])`,
  );
  // This instance sees the change at once; the others on its NOTIFY.
  forgetAccessProfiles();
}
