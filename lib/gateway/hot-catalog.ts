import 'server-only';
import { AppError, type Subject } from '@/lib/core';
import { asService, hotConfig } from '@/lib/db';
import { CONFIG_CHANNEL } from '@/lib/flags';
import type { CallContext } from './catalog';
import type { ModelPrice } from './pricing';
import type { Provider } from './providers';

/**
 * What a metered call needs from the catalog that rarely changes, kept in process (decision 18):
 * the active models, their price in force and any scheduled after it, the credit settings, and
 * which subjects have provider keys of their own. Any change to those tables NOTIFYs every
 * instance, which reloads on its next call. A stale price can never be charged: admission checks
 * the price id it was given is still the one in force (ai_admit), and prices again when not.
 */

interface PriceVersion {
  id: bigint;
  effectiveFrom: number;
  inputPerMtok: bigint;
  cachedInputPerMtok: bigint;
  outputPerMtok: bigint;
  perImage: bigint;
  perAudioSecond: bigint;
}

interface HotModel {
  modelId: string;
  provider: Provider;
  providerModelId: string;
  displayName: string;
  capabilities: string[];
  contextWindow: number;
  maxOutputTokens: number;
  /** Newest first: the one in force, then the scheduled ones. */
  prices: PriceVersion[];
}

interface HotCatalog {
  models: Map<string, HotModel>;
  creditsPerUsd: bigint;
  markupBps: bigint;
  /** `kind:id` of every subject with a provider key of its own. */
  byokSubjects: Set<string>;
}

interface ModelRow {
  id: string;
  provider: Provider;
  provider_model_id: string;
  display_name: string;
  capabilities: string[];
  context_window: number;
  max_output_tokens: number;
}

interface PriceRow {
  id: bigint;
  model_id: string;
  effective_from: Date;
  input_per_mtok: bigint;
  cached_input_per_mtok: bigint;
  output_per_mtok: bigint;
  per_image: bigint;
  per_audio_second: bigint;
}

function priceVersion(row: PriceRow): PriceVersion {
  return {
    id: row.id,
    effectiveFrom: row.effective_from.getTime(),
    inputPerMtok: row.input_per_mtok,
    cachedInputPerMtok: row.cached_input_per_mtok,
    outputPerMtok: row.output_per_mtok,
    perImage: row.per_image,
    perAudioSecond: row.per_audio_second,
  };
}

const PRICE_COLUMNS = `p.id, p.model_id, p.effective_from, p.input_per_mtok, p.cached_input_per_mtok,
  p.output_per_mtok, p.per_image, p.per_audio_second`;

async function loadCatalog(): Promise<HotCatalog> {
  return asService(async (tx) => {
    const [models, prices, [settings], byok] = await Promise.all([
      tx<ModelRow[]>`
        select m.id, m.provider, m.provider_model_id, m.display_name, m.capabilities,
               m.context_window, m.max_output_tokens
        from public.ai_models m where m.is_active`,
      // The version in force of each model (the latest that has started) and all later ones.
      tx<PriceRow[]>`
        select ${tx.unsafe(PRICE_COLUMNS)} from public.ai_model_prices p
        where p.effective_from >= coalesce(
          (select max(q.effective_from) from public.ai_model_prices q
           where q.model_id = p.model_id and q.effective_from <= now()), '-infinity')
        order by p.model_id, p.effective_from desc`,
      tx<{ credits_per_usd: bigint; markup_bps: number }[]>`
        select s.credits_per_usd, s.markup_bps from public.ai_settings s limit 1`,
      tx<{ subject: string }[]>`
        select distinct k.subject_kind || ':' || k.subject_id as subject from public.ai_provider_keys k`,
    ]);
    const byModel = new Map<string, PriceVersion[]>();
    for (const row of prices) {
      const list = byModel.get(row.model_id) ?? [];
      list.push(priceVersion(row));
      byModel.set(row.model_id, list);
    }
    return {
      models: new Map(
        models.map((row) => [
          row.id,
          {
            modelId: row.id,
            provider: row.provider,
            providerModelId: row.provider_model_id,
            displayName: row.display_name,
            capabilities: row.capabilities,
            contextWindow: row.context_window,
            maxOutputTokens: row.max_output_tokens,
            prices: byModel.get(row.id) ?? [],
          },
        ]),
      ),
      creditsPerUsd: settings?.credits_per_usd ?? 1n,
      markupBps: BigInt(settings?.markup_bps ?? 10_000),
      byokSubjects: new Set(byok.map((row) => row.subject)),
    };
  });
}

const catalog = hotConfig({ channel: CONFIG_CHANNEL, load: loadCatalog, maxStaleMs: 30_000 });

function contextOf(catalog: HotCatalog, model: HotModel, price: PriceVersion): CallContext {
  const modelPrice: ModelPrice = {
    inputPerMtok: price.inputPerMtok,
    cachedInputPerMtok: price.cachedInputPerMtok,
    outputPerMtok: price.outputPerMtok,
    creditsPerUsd: catalog.creditsPerUsd,
    markupBps: catalog.markupBps,
    perImage: price.perImage,
    perAudioSecond: price.perAudioSecond,
  };
  return {
    modelId: model.modelId,
    provider: model.provider,
    providerModelId: model.providerModelId,
    displayName: model.displayName,
    capabilities: model.capabilities,
    contextWindow: model.contextWindow,
    maxOutputTokens: model.maxOutputTokens,
    priceId: price.id,
    price: modelPrice,
  };
}

/**
 * The model and the price in force now, from memory (a fresh object per call). Admission confirms
 * the price; kill switches and the plan's paywall are decided there too, in SQL.
 */
export async function hotCallContext(modelId: string): Promise<CallContext> {
  for (let attempt = 0; ; attempt += 1) {
    const hot = await catalog.get();
    const model = hot.models.get(modelId);
    const now = Date.now();
    const price = model?.prices.find((version) => version.effectiveFrom <= now);
    if (model && price) return contextOf(hot, model, price);
    // A model added a moment ago may not have reached this instance yet: read once more.
    if (attempt > 0) throw new AppError('not_found', 'That model is not available.');
    catalog.invalidate();
  }
}

/** Drops the cached catalog at once on this instance (other instances hear the NOTIFY). */
export function forgetCatalog(): void {
  catalog.invalidate();
}

/**
 * The call's context at the price version admission says is in force (the database's clock
 * decides, which a test may have moved): from memory when the version is there, else read.
 */
export async function callContextAt(modelId: string, priceId: bigint): Promise<CallContext> {
  catalog.invalidate();
  const hot = await catalog.get();
  const model = hot.models.get(modelId);
  if (!model) throw new AppError('not_found', 'That model is not available.');
  let price = model.prices.find((version) => version.id === priceId);
  if (!price) {
    const [row] = await asService(
      (tx) => tx<PriceRow[]>`
        select ${tx.unsafe(PRICE_COLUMNS)} from public.ai_model_prices p
        where p.id = ${priceId.toString()}::bigint and p.model_id = ${modelId}`,
    );
    if (!row) throw new AppError('not_found', 'That model has no price yet.');
    price = priceVersion(row);
  }
  return contextOf(hot, model, price);
}

/** Whether the subject has a provider key of its own (only then is it looked up and decrypted). */
export async function hasOwnKeys(subject: Subject): Promise<boolean> {
  return (await catalog.get()).byokSubjects.has(`${subject.kind}:${subject.id}`);
}
