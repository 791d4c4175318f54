import 'server-only';
import { z } from 'zod';
import { getBatch } from '@/lib/ai';
import type { DbSession } from '@/lib/db';
import { creditsDecimal, csvField } from './history-csv';

/**
 * A batch's results as CSV or JSON Lines, streamed 500 items at a time, each page read under the
 * caller's RLS (a batch they may not read is a 404 before the download starts).
 */

export const batchExportQuery = z.object({ format: z.enum(['csv', 'jsonl']).default('csv') });

const PAGE = 500;

type BatchItem = Awaited<ReturnType<typeof getBatch>>['items'][number];

const CSV_HEADER = [
  'index',
  'status',
  'input',
  'result',
  'error',
  'attempts',
  'input_tokens',
  'output_tokens',
  'credits_charged',
  'micro_credits_charged',
];

function csvLine(item: BatchItem): string {
  return `${[
    csvField(String(item.index + 1)),
    csvField(item.status),
    csvField(item.input, { text: true }),
    csvField(item.result, { text: true }),
    csvField(item.error, { text: true }),
    csvField(String(item.attempts)),
    csvField(item.inputTokens === null ? null : String(item.inputTokens)),
    csvField(item.outputTokens === null ? null : String(item.outputTokens)),
    csvField(creditsDecimal(item.creditsCharged)),
    csvField(item.creditsCharged.toString()),
  ].join(',')}\r\n`;
}

function jsonLine(item: BatchItem): string {
  return `${JSON.stringify({
    index: item.index + 1,
    status: item.status,
    input: item.input,
    result: item.result,
    error: item.error,
    attempts: item.attempts,
    inputTokens: item.inputTokens,
    outputTokens: item.outputTokens,
    creditsCharged: item.creditsCharged.toString(),
  })}\n`;
}

export async function batchResultsResponse(
  session: DbSession,
  batchId: string,
  format: 'csv' | 'jsonl',
): Promise<Response> {
  const encoder = new TextEncoder();
  const line = format === 'csv' ? csvLine : jsonLine;
  const first = await getBatch(session, batchId, { offset: 0, limit: PAGE });
  const total = first.batch.itemCount;
  let offset = first.items.length;
  let pending: string | null =
    (format === 'csv' ? `${CSV_HEADER.join(',')}\r\n` : '') + first.items.map(line).join('');

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending !== null) {
        controller.enqueue(encoder.encode(pending));
        pending = null;
        return;
      }
      if (offset >= total) {
        controller.close();
        return;
      }
      try {
        const page = await getBatch(session, batchId, { offset, limit: PAGE });
        if (page.items.length === 0) {
          controller.close();
          return;
        }
        offset += page.items.length;
        controller.enqueue(encoder.encode(page.items.map(line).join('')));
      } catch (error) {
        console.error('[batch-export] export failed mid-stream', error);
        controller.error(error);
      }
    },
  });

  const day = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    status: 200,
    headers: {
      'content-type':
        format === 'csv' ? 'text/csv; charset=utf-8' : 'application/jsonl; charset=utf-8',
      'content-disposition': `attachment; filename="tollgate-batch-${batchId.slice(0, 8)}-${day}.${format}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
