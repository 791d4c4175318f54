import 'server-only';
import type { Subject } from '@/lib/core';
import type { DbSession } from '@/lib/db';
import { embedMetered } from './embeddings';
import type { EmbeddingList, EmbeddingRequest } from './openai-types';

/** Embeddings in OpenAI's wire format over the metered embedding call. */

function base64Of(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

export async function createEmbeddings(call: {
  session: DbSession;
  subject: Subject;
  body: EmbeddingRequest;
  signal?: AbortSignal;
}): Promise<EmbeddingList> {
  const { body } = call;
  const values = typeof body.input === 'string' ? [body.input] : body.input;
  const { embeddings, outcome, model } = await embedMetered(
    call.session,
    {
      model: body.model,
      values,
      orgId: call.subject.kind === 'org' ? call.subject.id : null,
      feature: 'api',
    },
    call.signal,
  );
  const tokens = outcome.usage?.inputTokens ?? 0;
  return {
    object: 'list',
    data: embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: body.encoding_format === 'base64' ? base64Of(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
    tollgate: {
      credits_used: outcome.creditsUsed.toString(),
      balance: outcome.available.toString(),
      status: outcome.status,
    },
  };
}
