import 'server-only';
import type { z } from 'zod';
import type { DbSession } from '@/lib/db';
import {
  historyFilters,
  listTransactions,
  MICRO_PER_CREDIT,
  type Transaction,
} from '@/lib/credits';

/**
 * A wallet's transactions as a CSV download, streamed page by page (keyset, 500 rows a page) so
 * a long history never sits in memory. Amounts appear twice: as credits with all six decimals
 * (for spreadsheets) and as exact integer micro-credits (for reconciliation).
 */

export const historyExportFilters = historyFilters.omit({ cursor: true, limit: true });
type HistoryExportFilters = z.output<typeof historyExportFilters>;

const EXPORT_PAGE_SIZE = 500;

const HEADER = [
  'id',
  'created_at',
  'type',
  'category',
  'direction',
  'amount_credits',
  'amount_micro_credits',
  'description',
  'counterparty',
  'hold_id',
  'refund_of',
  'activity',
  'feature',
] as const;

/**
 * Exact decimal text of micro-credits, e.g. -1234567n → "-1.234567". Machine-readable on purpose
 * (no grouping, ASCII minus); formatCredits is for people and rounds.
 */
export function creditsDecimal(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const fraction = (abs % MICRO_PER_CREDIT).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${abs / MICRO_PER_CREDIT}.${fraction}`;
}

/** RFC 4180 quoting, plus a leading ' on text that a spreadsheet would run as a formula. */
export function csvField(value: string | null, { text = false } = {}): string {
  if (value === null) return '';
  const safe = text && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvRow(item: Transaction): string {
  return [
    csvField(item.id.toString()),
    csvField(item.createdAt.toISOString()),
    csvField(item.kind),
    csvField(item.category),
    csvField(item.direction),
    csvField(creditsDecimal(item.amount)),
    csvField(item.amount.toString()),
    csvField(item.description, { text: true }),
    csvField(item.counterparty, { text: true }),
    csvField(item.holdId?.toString() ?? null),
    csvField(item.refundOf?.toString() ?? null),
    csvField(item.activity),
    csvField(item.feature, { text: true }),
  ].join(',');
}

function csvChunk(items: Transaction[]): string {
  return items.map((item) => `${csvRow(item)}\r\n`).join('');
}

/**
 * The CSV response. The first page is read before the response starts, so a bad filter or a
 * missing wallet still becomes a proper problem+json error instead of a broken download.
 */
export async function historyCsvResponse(
  session: DbSession,
  walletId: string,
  filters: HistoryExportFilters,
  filename: string,
): Promise<Response> {
  const encoder = new TextEncoder();
  const read = (cursor?: string) =>
    listTransactions(session, walletId, { ...filters, limit: EXPORT_PAGE_SIZE, cursor });

  const first = await read();
  let cursor = first.nextCursor;
  let pending: string | null = `${HEADER.join(',')}\r\n${csvChunk(first.items)}`;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending !== null) {
        controller.enqueue(encoder.encode(pending));
        pending = null;
        return;
      }
      if (!cursor) {
        controller.close();
        return;
      }
      try {
        const page = await read(cursor);
        cursor = page.nextCursor;
        controller.enqueue(encoder.encode(csvChunk(page.items)));
      } catch (error) {
        // Headers are gone by now: cut the download short so it cannot pass for a complete file.
        console.error('[history-csv] export failed mid-stream', error);
        controller.error(error);
      }
    },
  });

  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

/** e.g. "tollgate-credits-2026-11-03.csv" */
export function exportFilename(prefix: string, now = new Date()): string {
  return `${prefix}-${now.toISOString().slice(0, 10)}.csv`;
}
