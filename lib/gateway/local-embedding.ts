import 'server-only';
import { createHash } from 'node:crypto';
import type {
  EmbeddingModelV3,
  EmbeddingModelV3CallOptions,
  EmbeddingModelV3Result,
} from '@ai-sdk/provider';
import { countTokens } from './tokenizer';

/**
 * The keyless embedding model (provider 'local'): deterministic unit vectors from a hash of each
 * word, so equal texts embed equally and similar texts share components; usage is the real token
 * count. For demos and tests only.
 */

const LOCAL_EMBEDDING_DIMENSIONS = 64;

function embed(text: string): number[] {
  const vector = new Array<number>(LOCAL_EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    const digest = createHash('sha256').update(word).digest();
    const index = digest[0]! % LOCAL_EMBEDDING_DIMENSIONS;
    vector[index]! += digest[1]! % 2 === 0 ? 1 : -1;
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}

export class LocalEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'local';
  readonly maxEmbeddingsPerCall = 2048;
  readonly supportsParallelCalls = true;

  constructor(readonly modelId: string) {}

  async doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    if (options.abortSignal?.aborted) throw options.abortSignal.reason;
    return {
      embeddings: options.values.map(embed),
      usage: { tokens: options.values.reduce((sum, value) => sum + countTokens(value), 0) },
      warnings: [],
    };
  }
}
