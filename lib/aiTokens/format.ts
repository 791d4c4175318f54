/**
 * Token counts for people: 950 → "950", 12_345 → "12.3K", 2_500_000 → "2.5M". Exact below ten
 * thousand, so small allowances never read as rounded. Safe in client components.
 */
export function formatTokens(value: number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '∞';
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (!Number.isFinite(n)) return '∞';
  const sign = n < 0 ? '−' : '';
  const abs = Math.abs(n);
  if (abs < 10_000) return sign + Math.round(abs).toLocaleString('en-US');
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const scaled = abs / size;
      const digits = scaled >= 100 ? 0 : 1;
      return `${sign}${Number(scaled.toFixed(digits)).toLocaleString('en-US')}${unit}`;
    }
  }
  return sign + String(abs);
}
