import { apiJson } from './conversation-api';

/**
 * The batches page's client for /api/ai/batch: plain JSON shapes (dates as ISO text,
 * micro-credits as decimal strings).
 */

export type BatchStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';
export type BatchItemStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface BatchView {
  id: string;
  orgId: string | null;
  model: string;
  feature: string;
  status: BatchStatus;
  itemCount: number;
  progress: Record<BatchItemStatus, number>;
  creditsReserved: string;
  creditsCharged: string;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface BatchItemView {
  index: number;
  input: string;
  status: BatchItemStatus;
  attempts: number;
  result: string | null;
  creditsCharged: string;
  error: string | null;
}

export const BATCH_FEATURES = [
  { key: 'lead_generation', label: 'Lead generation' },
  { key: 'goal_generation', label: 'Goal generation' },
  { key: 'strategy_analysis', label: 'Strategy analysis' },
  { key: 'forecast', label: 'Forecast' },
] as const;

export const batchKeys = {
  list: (orgId: string | null) => ['ai', 'batches', orgId ?? 'personal'] as const,
  one: (id: string) => ['ai', 'batch', id] as const,
  page: (id: string, limit: number) => ['ai', 'batch', id, limit] as const,
};

export function isActive(status: BatchStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** One item per non-empty line; a CSV row becomes one item (its cells joined by ", "). */
export function itemsFromText(text: string, csv = false): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => (csv ? csvCells(line).join(', ') : line).trim())
    .filter((line) => line !== '');
}

function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted && char === '"' && line[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === ',' && !quoted) {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += char;
    }
  }
  cells.push(cell.trim());
  return cells.filter((value) => value !== '');
}

export const batchApi = {
  list: (orgId: string | null) =>
    apiJson<{ batches: BatchView[] }>(
      `/api/ai/batch${orgId ? `?orgId=${encodeURIComponent(orgId)}` : ''}`,
    ).then((page) => page.batches),
  get: (id: string, limit: number) =>
    apiJson<{ batch: BatchView; items: BatchItemView[] }>(`/api/ai/batch/${id}?limit=${limit}`),
  submit: (body: {
    model: string;
    feature: string;
    orgId: string | null;
    items: string[];
    maxOutputTokens: number;
  }) =>
    apiJson<{ batch: { id: string; itemCount: number; creditsReserved: string } }>(
      '/api/ai/batch',
      { body },
    ).then((page) => page.batch),
  cancel: (id: string) => apiJson(`/api/ai/batch/${id}/cancel`, { method: 'POST' }),
};
