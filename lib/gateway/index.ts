import 'server-only';

/**
 * The AI gateway: the model catalog and its prices, providers and their health, admission (rate
 * limit, plan limit, credit hold in one transaction), the metered call and its settlement, the
 * response cache, BYOK keys, moderation, and the operations built on the metered call (chat,
 * embeddings, images, transcription). Features built on top live in lib/ai.
 */

export { type CallOutcome } from './metered-call';
export { settleOverdueCalls } from './settle';
export { streamChat, generateChat, promptOf } from './chat';
export { listModels, loadCallContext, type CatalogModel } from './catalog';
export { chooseModel, expectedCredits } from './choose-model';
export {
  modelsFor,
  parseModelRequest,
  choiceHeaders,
  complexityInput,
  COMPLEXITIES,
  type Complexity,
  type ModelChoice,
} from './routing';
export { setModelPrice, setFeatureFlag, setAiSettings, flagInput, settingsInput } from './admin';
export {
  creditsFor,
  providerCostMicroUsd,
  creditsPer1k,
  type ModelPrice,
  type MeteredUsage,
} from './pricing';
export { Meter, meteredModel } from './meter';
export { observeGatewaySteps, type GatewayStep } from './steps';
export { redactPii } from './redact';
export { isProviderConfigured, languageModelFor, type Provider } from './providers';
export { countTokens, countPromptTokens, estimateInputTokens } from './tokenizer';
export { chatRequest, type ChatMessage, type ChatRequest } from './chat-types';
export { generateChatCached } from './cache';
export { embedMetered, embedInput } from './embeddings';
export {
  saveProviderKey,
  listProviderKeys,
  deleteProviderKey,
  saveKeyInput,
  BYOK_PROVIDERS,
} from './byok';
export { listByokActivity } from './byok-activity';
export { generateImageMetered, imageInput } from './images';
export { transcribeMetered, readTranscribeRequest } from './transcribe';
export { providerHealth, type ProviderHealth } from './health';
export { listProviderStatus } from './providers-status';
export { listUsageDetails, usageDetailsQuery } from './usage-details';
export { FLAGGED_OUTPUT_NOTICE, setModerationEnabled } from './moderation';
export {
  chatCompletionRequest,
  embeddingRequest,
  chatCompletion,
  chatCompletionChunk,
  embeddingList,
  type ChatCompletionRequest,
  type EmbeddingRequest,
} from './openai-types';
export { createChatCompletion, streamChatCompletion } from './openai-chat';
export { createEmbeddings } from './openai-embeddings';
export { listKeyUsage, keyUsageQuery, keyUsage } from './key-usage';
export { listKeyModels, modelList } from './key-models';
