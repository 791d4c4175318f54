import {
  checkBatchRows,
  parseBatchCsv,
  type BatchRow,
  type BatchRowError,
} from '@/lib/admin/batch-rows';

/** The CSV as the admin will see it before sending: every row, checked by the server's rules. */
export interface PreviewRow {
  row: number;
  target: string;
  credits: string;
  expiresAt: string;
  key: string;
  checked: BatchRow | null;
  errors: string[];
}

interface BatchPreview {
  rows: PreviewRow[];
  /** Problems with the file as a whole (the header, the size). */
  fileErrors: string[];
  errorCount: number;
  grant: bigint;
  adjust: bigint;
}

export function previewBatchCsv(text: string): BatchPreview {
  const { inputs, errors: csvErrors } = parseBatchCsv(text);
  const { rows: checked, errors } = checkBatchRows(inputs);
  const all: BatchRowError[] = [...csvErrors, ...errors];
  const fileErrors = text.trim() === '' ? [] : all.filter((e) => e.row === 0).map((e) => e.message);
  const byRow = new Map(checked.map((row) => [row.row, row]));
  const rows = inputs.map((input, index): PreviewRow => {
    const row = index + 1;
    const rowErrors = all.filter((e) => e.row === row).map((e) => e.message);
    return {
      row,
      target: input.email ?? input.orgSlug ?? input.wallet ?? '',
      credits: String(input.credits),
      expiresAt: input.expiresAt ?? '',
      key: input.key ?? '',
      checked: rowErrors.length === 0 ? (byRow.get(row) ?? null) : null,
      errors: rowErrors,
    };
  });
  const good = rows.flatMap((row) => (row.checked ? [row.checked] : []));
  return {
    rows,
    fileErrors: [...new Set(fileErrors)],
    errorCount: rows.filter((row) => row.errors.length > 0).length + fileErrors.length,
    grant: good.reduce((sum, row) => (row.amount > 0n ? sum + row.amount : sum), 0n),
    adjust: good.reduce((sum, row) => (row.amount < 0n ? sum - row.amount : sum), 0n),
  };
}
