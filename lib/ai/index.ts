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
export {
  listTemplates,
  getTemplate,
  createTemplate,
  updateTemplate,
  deleteTemplate,
  renderTemplateById,
  renderTemplate,
  placeholdersOf,
  createTemplateInput,
  updateTemplateInput,
  listTemplatesQuery,
  renderInput,
  TEMPLATE_VISIBILITIES,
  type PromptTemplate,
  type TemplateVariable,
  type TemplateVisibility,
} from './templates';
export {
  listConversations,
  getConversation,
  getConversationWithMessages,
  createConversation,
  updateConversation,
  deleteConversation,
  listMessages,
  appendMessage,
  deleteMessage,
  recordReply,
  noteChatSettings,
  titleFrom,
} from './conversations';
export {
  createConversationInput,
  updateConversationInput,
  listConversationsQuery,
  appendMessageInput,
  listMessagesQuery,
  type Conversation,
  type ConversationMessage,
} from './conversation-schemas';
export type { StreamChatHooks } from './chat';
export * from './batch';
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
