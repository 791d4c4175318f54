import 'server-only';
import { asService, type DbSession } from '@/lib/db';
import { requirePlatformAdmin } from './guard';

/** Token types with their sort order, which the editor must send back unchanged. */
export interface AdminTokenType {
  name: string;
  label: string;
  description: string;
  costPerAction: number;
  sortOrder: number;
}

export async function listTokenTypesForAdmin(session: DbSession): Promise<AdminTokenType[]> {
  await requirePlatformAdmin(session);
  const rows = await asService(
    (tx) => tx<
      {
        name: string;
        label: string;
        description: string;
        cost_per_action: number;
        sort_order: number;
      }[]
    >`
      select name, label, description, cost_per_action, sort_order from public.token_types
      order by sort_order, name`,
  );
  return rows.map((row) => ({
    name: row.name,
    label: row.label,
    description: row.description,
    costPerAction: row.cost_per_action,
    sortOrder: row.sort_order,
  }));
}
