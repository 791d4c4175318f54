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
export { setModelPrice, setFeatureFlag, setAiSettings, priceInput, flagInput } from './admin';
export { creditsFor, providerCostMicroUsd, creditsPer1k, type ModelPrice } from './pricing';
export { PROVIDERS, isProviderConfigured, languageModelFor, type Provider } from './providers';
export { LocalLanguageModel } from './local-model';
export { countTokens, countPromptTokens, estimateInputTokens } from './tokenizer';
export { chatRequest, type ChatMessage, type ChatMetadata, type ChatRequest } from './chat-types';
export {
  meteredAction,
  runAiFeature,
  featureInput,
  AI_FEATURES,
  type AiFeature,
  type FeatureInput,
  type MeteredActionInput,
  type MeteredActionResult,
} from './features';
export { chooseModel, expectedCredits, type ModelNeeds, type ChoosableModel } from './choose-model';
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
