import 'server-only';
import { withUser, type DbSession } from '@/lib/db';
import { AppError, type Subject } from '@/lib/core';
import { planError } from '@/lib/plans';
import { creditsPer1k, type ModelPrice } from './pricing';
import { isProviderConfigured, type Provider } from './providers';

/** The model catalog and the price in force, read under the caller's RLS. */

export interface CallContext {
  modelId: string;
  provider: Provider;
  providerModelId: string;
  displayName: string;
  capabilities: string[];
  contextWindow: number;
  maxOutputTokens: number;
  priceId: bigint;
  price: ModelPrice;
}

interface ContextRow {
  model_id: string;
  provider: Provider;
  provider_model_id: string;
  display_name: string;
  capabilities: string[];
  context_window: number;
  max_output_tokens: number;
  price_id: bigint;
  input_per_mtok: bigint;
  cached_input_per_mtok: bigint;
  output_per_mtok: bigint;
  credits_per_usd: bigint;
  markup_bps: number;
  blocked_scope: string | null;
  blocked_reason: string | null;
}

/** The model, its price in force and the kill switches, in one call; a blocked call is a 403. */
export async function loadCallContext(
  session: DbSession,
  subject: Subject,
  modelId: string,
  feature: string,
): Promise<CallContext> {
  const [row] = await withUser(
    session,
    (tx) => tx<ContextRow[]>`
      select * from public.ai_call_context(${subject.kind}, ${subject.id}, ${modelId}, ${feature})`,
  ).catch(planError);
  if (!row) throw new AppError('not_found', 'That model is not available.');
  if (row.blocked_scope) {
    throw new AppError(
      'ai_disabled',
      row.blocked_reason ?? `AI calls are turned off for this ${row.blocked_scope}.`,
      { scope: row.blocked_scope },
    );
  }
  return {
    modelId: row.model_id,
    provider: row.provider,
    providerModelId: row.provider_model_id,
    displayName: row.display_name,
    capabilities: row.capabilities,
    contextWindow: row.context_window,
    maxOutputTokens: row.max_output_tokens,
    priceId: row.price_id,
    price: {
      inputPerMtok: row.input_per_mtok,
      cachedInputPerMtok: row.cached_input_per_mtok,
      outputPerMtok: row.output_per_mtok,
      creditsPerUsd: row.credits_per_usd,
      markupBps: BigInt(row.markup_bps),
    },
  };
}

export interface CatalogModel {
  id: string;
  provider: Provider;
  displayName: string;
  capabilities: string[];
  contextWindow: number;
  maxOutputTokens: number;
  /** False when the provider has no key on this deployment. */
  available: boolean;
  /** Micro-USD per 1M tokens, the price in force. */
  pricePerMtok: { input: bigint; cachedInput: bigint; output: bigint };
  /** Micro-credits per 1K tokens, markup included. */
  creditsPer1k: { input: bigint; cachedInput: bigint; output: bigint };
  priceEffectiveFrom: Date;
  /** The hardest task "auto" gives it: 1 simple, 2 standard, 3 complex. */
  quality: number;
}

interface CatalogRow {
  id: string;
  provider: Provider;
  display_name: string;
  capabilities: string[];
  context_window: number;
  max_output_tokens: number;
  input_per_mtok: bigint;
  cached_input_per_mtok: bigint;
  output_per_mtok: bigint;
  effective_from: Date;
  credits_per_usd: bigint;
  markup_bps: number;
  quality: number;
}

/** Active models with the price in force now, cheapest-first within the catalog order. */
export async function listModels(session: DbSession): Promise<CatalogModel[]> {
  const rows = await withUser(
    session,
    (tx) => tx<CatalogRow[]>`
      select m.id, m.provider, m.display_name, m.capabilities, m.context_window, m.max_output_tokens,
             m.quality, p.input_per_mtok, p.cached_input_per_mtok, p.output_per_mtok, p.effective_from,
             s.credits_per_usd, s.markup_bps
      from public.ai_models m
      cross join lateral (
        select x.* from public.ai_model_prices x
        where x.model_id = m.id and x.effective_from <= now()
        order by x.effective_from desc limit 1) p
      cross join public.ai_settings s
      where m.is_active
      order by m.sort_order, m.id`,
  );
  return rows.map((row) => {
    const price: ModelPrice = {
      inputPerMtok: row.input_per_mtok,
      cachedInputPerMtok: row.cached_input_per_mtok,
      outputPerMtok: row.output_per_mtok,
      creditsPerUsd: row.credits_per_usd,
      markupBps: BigInt(row.markup_bps),
    };
    return {
      id: row.id,
      provider: row.provider,
      displayName: row.display_name,
      capabilities: row.capabilities,
      contextWindow: row.context_window,
      maxOutputTokens: row.max_output_tokens,
      available: isProviderConfigured(row.provider),
      pricePerMtok: {
        input: row.input_per_mtok,
        cachedInput: row.cached_input_per_mtok,
        output: row.output_per_mtok,
      },
      creditsPer1k: creditsPer1k(price),
      priceEffectiveFrom: row.effective_from,
      quality: row.quality,
    };
  });
}
