/**
 * Prices for people. Amounts are integers of the currency's minor unit (cents), as Stripe counts
 * them; this turns them into text without a float. Safe in client components.
 */
export function formatPrice(amount: bigint | string, currency: string): string {
  const minor = typeof amount === 'bigint' ? amount : BigInt(amount);
  const formatter = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
  });
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  const scale = 10n ** BigInt(digits);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const text =
    digits > 0
      ? `${negative ? '-' : ''}${abs / scale}.${(abs % scale).toString().padStart(digits, '0')}`
      : `${minor}`;
  // Intl formats decimal strings exactly (no float in between).
  return formatter.format(text as Intl.StringNumericLiteral);
}
