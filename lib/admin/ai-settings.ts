import 'server-only';
import { one } from '@/lib/core';
import { asService, type DbSession } from '@/lib/db';
import { requirePlatformAdmin } from './guard';

/**
 * Reads for the catalog editors: every model with its price versions (newest first; the one in
 * force is the latest that has started), the kill switches and the global AI settings.
 */

interface AdminPriceVersion {
  id: bigint;
  inputPerMtok: bigint;
  cachedInputPerMtok: bigint;
  outputPerMtok: bigint;
  perImage: bigint;
  perAudioSecond: bigint;
  effectiveFrom: Date;
  createdAt: Date;
  createdBy: string | null;
  status: 'scheduled' | 'current' | 'previous';
}

export interface AdminCatalogModel {
  id: string;
  provider: string;
  displayName: string;
  capabilities: string[];
  isActive: boolean;
  prices: AdminPriceVersion[];
}

interface AdminFeatureFlag {
  scope: 'feature' | 'model' | 'plan';
  key: string;
  enabled: boolean;
  reason: string | null;
  updatedAt: Date;
  updatedBy: string | null;
}

interface AdminAiSettings {
  creditsPerUsd: bigint;
  markupBps: number;
  cacheHitChargeBps: number;
  updatedAt: Date;
}

export async function listModelCatalog(
  session: DbSession,
  now = new Date(),
): Promise<AdminCatalogModel[]> {
  await requirePlatformAdmin(session);
  return asService(async (tx) => {
    const models = await tx<
      {
        id: string;
        provider: string;
        display_name: string;
        capabilities: string[];
        is_active: boolean;
      }[]
    >`
      select id, provider, display_name, capabilities, is_active
      from public.ai_models order by sort_order, id`;
    const prices = await tx<
      {
        id: bigint;
        model_id: string;
        input_per_mtok: bigint;
        cached_input_per_mtok: bigint;
        output_per_mtok: bigint;
        per_image: bigint;
        per_audio_second: bigint;
        effective_from: Date;
        created_at: Date;
        created_by: string | null;
      }[]
    >`
      select p.id, p.model_id, p.input_per_mtok, p.cached_input_per_mtok, p.output_per_mtok,
             p.per_image, p.per_audio_second, p.effective_from, p.created_at, u.email as created_by
      from public.ai_model_prices p
      left join public.profiles u on u.id = p.created_by
      order by p.model_id, p.effective_from desc`;
    return models.map((model) => {
      let currentSeen = false;
      const versions = prices
        .filter((price) => price.model_id === model.id)
        .map((price): AdminPriceVersion => {
          let status: AdminPriceVersion['status'] = 'previous';
          if (price.effective_from > now) status = 'scheduled';
          else if (!currentSeen) {
            status = 'current';
            currentSeen = true;
          }
          return {
            id: price.id,
            inputPerMtok: price.input_per_mtok,
            cachedInputPerMtok: price.cached_input_per_mtok,
            outputPerMtok: price.output_per_mtok,
            perImage: price.per_image,
            perAudioSecond: price.per_audio_second,
            effectiveFrom: price.effective_from,
            createdAt: price.created_at,
            createdBy: price.created_by,
            status,
          };
        });
      return {
        id: model.id,
        provider: model.provider,
        displayName: model.display_name,
        capabilities: model.capabilities,
        isActive: model.is_active,
        prices: versions,
      };
    });
  });
}

export async function listFeatureFlags(session: DbSession): Promise<AdminFeatureFlag[]> {
  await requirePlatformAdmin(session);
  const rows = await asService(
    (tx) => tx<
      {
        scope: AdminFeatureFlag['scope'];
        key: string;
        enabled: boolean;
        reason: string | null;
        updated_at: Date;
        updated_by: string | null;
      }[]
    >`
      select f.scope, f.key, f.enabled, f.reason, f.updated_at, u.email as updated_by
      from public.ai_feature_flags f
      left join public.profiles u on u.id = f.updated_by
      order by f.enabled, f.scope, f.key`,
  );
  return rows.map((row) => ({
    scope: row.scope,
    key: row.key,
    enabled: row.enabled,
    reason: row.reason,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  }));
}

export async function getAiSettingsForAdmin(session: DbSession): Promise<AdminAiSettings> {
  await requirePlatformAdmin(session);
  const row = one(
    await asService(
      (tx) => tx<
        {
          credits_per_usd: bigint;
          markup_bps: number;
          cache_hit_charge_bps: number;
          updated_at: Date;
        }[]
      >`
      select credits_per_usd, markup_bps, cache_hit_charge_bps, updated_at
      from public.ai_settings limit 1`,
    ),
    'ai_settings row',
  );
  return {
    creditsPerUsd: row.credits_per_usd,
    markupBps: row.markup_bps,
    cacheHitChargeBps: row.cache_hit_charge_bps,
    updatedAt: row.updated_at,
  };
}
