import 'server-only';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import type {
  EmbeddingModelV3,
  ImageModelV3,
  LanguageModelV3,
  TranscriptionModelV3,
} from '@ai-sdk/provider';
import { AppError } from '@/lib/core';
import { env } from '@/lib/env';
import { LocalEmbeddingModel } from './local-embedding';
import { LocalImageModel, LocalTranscriptionModel } from './local-media';
import { LocalLanguageModel } from './local-model';

/**
 * Providers chosen by the model's catalog entry and the keys in the environment. A model whose
 * provider has no key is unavailable (503); the local model only serves models marked 'local',
 * so a configured key is never silently replaced.
 */

export const PROVIDERS = ['openai', 'anthropic', 'google', 'local'] as const;
export type Provider = (typeof PROVIDERS)[number];

export function isProviderConfigured(provider: Provider): boolean {
  const keys = env();
  switch (provider) {
    case 'openai':
      return Boolean(keys.OPENAI_API_KEY);
    case 'anthropic':
      return Boolean(keys.ANTHROPIC_API_KEY);
    case 'google':
      return Boolean(keys.GOOGLE_GENERATIVE_AI_API_KEY);
    case 'local':
      return true;
  }
}

/** The model through the platform's key, or through `apiKey` (a subject's own key, BYOK). */
export function languageModelFor(
  model: { provider: Provider; providerModelId: string },
  apiKey?: string,
): LanguageModelV3 {
  if (!apiKey && !isProviderConfigured(model.provider)) {
    throw new AppError('unavailable', `The ${model.provider} provider is not configured.`, {
      provider: model.provider,
    });
  }
  const keys = env();
  switch (model.provider) {
    case 'openai':
      // Chat Completions: the API every OpenAI-compatible server speaks, with streamed usage.
      return createOpenAI({
        apiKey: apiKey ?? keys.OPENAI_API_KEY,
        baseURL: keys.OPENAI_BASE_URL,
      }).chat(model.providerModelId);
    case 'anthropic':
      return createAnthropic({ apiKey: apiKey ?? keys.ANTHROPIC_API_KEY })(model.providerModelId);
    case 'google':
      return createGoogleGenerativeAI({ apiKey: apiKey ?? keys.GOOGLE_GENERATIVE_AI_API_KEY })(
        model.providerModelId,
      );
    case 'local':
      return new LocalLanguageModel(model.providerModelId);
  }
}

/** Embedding models: OpenAI's over HTTP, or the local one; others are unavailable (503). */
export function embeddingModelFor(
  model: { provider: Provider; providerModelId: string },
  apiKey?: string,
): EmbeddingModelV3 {
  const keys = env();
  if (model.provider === 'local') return new LocalEmbeddingModel(model.providerModelId);
  const key = apiKey ?? keys.OPENAI_API_KEY;
  if (model.provider === 'openai' && key) {
    return createOpenAI({ apiKey: key, baseURL: keys.OPENAI_BASE_URL }).embedding(
      model.providerModelId,
    );
  }
  throw new AppError('unavailable', `Embeddings from ${model.provider} are not configured.`, {
    provider: model.provider,
  });
}

/** Image models: OpenAI's over HTTP, or the local one; others are unavailable (503). */
export function imageModelFor(
  model: { provider: Provider; providerModelId: string },
  apiKey?: string,
): ImageModelV3 {
  const keys = env();
  if (model.provider === 'local') return new LocalImageModel(model.providerModelId);
  const key = apiKey ?? keys.OPENAI_API_KEY;
  if (model.provider === 'openai' && key) {
    return createOpenAI({ apiKey: key, baseURL: keys.OPENAI_BASE_URL }).image(
      model.providerModelId,
    );
  }
  throw new AppError('unavailable', `Images from ${model.provider} are not configured.`, {
    provider: model.provider,
  });
}

/** Transcription models: OpenAI's over HTTP, or the local one; others are unavailable (503). */
export function transcriptionModelFor(
  model: { provider: Provider; providerModelId: string },
  apiKey?: string,
): TranscriptionModelV3 {
  const keys = env();
  if (model.provider === 'local') return new LocalTranscriptionModel(model.providerModelId);
  const key = apiKey ?? keys.OPENAI_API_KEY;
  if (model.provider === 'openai' && key) {
    return createOpenAI({ apiKey: key, baseURL: keys.OPENAI_BASE_URL }).transcription(
      model.providerModelId,
    );
  }
  throw new AppError('unavailable', `Transcription from ${model.provider} is not configured.`, {
    provider: model.provider,
  });
}
