import 'server-only';

/**
 * The AI gateway: the model catalog and its prices, providers and their health, admission (rate
 * limit, plan limit, credit hold in one transaction), the metered call and its settlement, the
 * response cache, BYOK keys, moderation, and the operations built on the metered call (chat,
 * embeddings, images, transcription). Features built on top live in lib/ai.
 */

export {
  beginMeteredCall,
  meteredCallInput,
  DEFAULT_MAX_OUTPUT_TOKENS,
  type MeteredCall,
  type MeteredCallInput,
  type CallOutcome,
} from './metered-call';
export { streamChat, generateChat, promptOf, metadataOf } from './chat';
export { listModels, loadCallContext, type CatalogModel, type CallContext } from './catalog';
export {
  setModelPrice,
  setFeatureFlag,
  setAiSettings,
  priceInput,
  flagInput,
  settingsInput,
} from './admin';
export {
  creditsFor,
  providerCostMicroUsd,
  creditsPer1k,
  type ModelPrice,
  type MeteredUsage,
} from './pricing';
export { Meter, meteredModel } from './meter';
export { redactPii } from './redact';
export { PROVIDERS, isProviderConfigured, languageModelFor, type Provider } from './providers';
export { LocalLanguageModel } from './local-model';
export { countTokens, countPromptTokens, estimateInputTokens } from './tokenizer';
export { chatRequest, type ChatMessage, type ChatMetadata, type ChatRequest } from './chat-types';
export { generateChatCached, cacheKey, CACHE_TTL_SECONDS } from './cache';
export { embedMetered, embedInput, type EmbedInput } from './embeddings';
export {
  saveProviderKey,
  listProviderKeys,
  deleteProviderKey,
  saveKeyInput,
  BYOK_PROVIDERS,
  type StoredKey,
  type ByokProvider,
} from './byok';
export { listByokActivity, type ByokActivity } from './byok-activity';
export type { StreamChatHooks } from './chat';
export { generateImageMetered, imageInput, IMAGE_SIZES, type ImageInput } from './images';
export {
  transcribeMetered,
  readTranscribeRequest,
  transcribeInput,
  MAX_AUDIO_BYTES,
  type TranscribeInput,
} from './transcribe';
export { providerHealth, type ProviderHealth, type HealthWindow } from './health';
export { listProviderStatus, type ProviderStatus } from './providers-status';
export {
  listUsageDetails,
  usageDetailsQuery,
  USAGE_STATUSES,
  type UsageDetailRow,
  type UsageDetailsQuery,
} from './usage-details';
export { FLAGGED_OUTPUT_NOTICE, MODERATION_MODEL, setModerationEnabled } from './moderation';
