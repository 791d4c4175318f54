import type { AdminCatalogModel } from '@/lib/admin';
import { microToUsd } from './price-form-schema';

/** A catalog model for the client editor: dollars as text, dates as ISO strings. */
export interface PriceVersionView {
  id: string;
  input: string;
  cachedInput: string;
  output: string;
  perImage: string;
  perAudioSecond: string;
  /** The per-second price times 60, as people compare audio prices. */
  perAudioMinute: string;
  effectiveFrom: string;
  createdBy: string | null;
  status: 'scheduled' | 'current' | 'previous';
}

export interface CatalogModelView {
  id: string;
  provider: string;
  displayName: string;
  capabilities: string[];
  isActive: boolean;
  prices: PriceVersionView[];
}

export function toCatalogView(models: AdminCatalogModel[]): CatalogModelView[] {
  return models.map((model) => ({
    id: model.id,
    provider: model.provider,
    displayName: model.displayName,
    capabilities: model.capabilities,
    isActive: model.isActive,
    prices: model.prices.map((price) => ({
      id: price.id.toString(),
      input: microToUsd(price.inputPerMtok),
      cachedInput: microToUsd(price.cachedInputPerMtok),
      output: microToUsd(price.outputPerMtok),
      perImage: microToUsd(price.perImage),
      perAudioSecond: microToUsd(price.perAudioSecond),
      perAudioMinute: microToUsd(price.perAudioSecond * 60n),
      effectiveFrom: price.effectiveFrom.toISOString(),
      createdBy: price.createdBy,
      status: price.status,
    })),
  }));
}
