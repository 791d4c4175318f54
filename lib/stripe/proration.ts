/**
 * Proration the way Stripe computes it when a subscription's price changes at a moment inside its
 * billing period: the unused time of the old price is credited and the remaining time of the new
 * price charged, each line rounded to a whole minor unit. A change of interval starts a new period
 * at that moment, so the new price is charged in full. Integers only: minor units and seconds.
 * Local mode charges this; with Stripe the preview and the charge come from Stripe itself.
 */

export interface Proration {
  /** The unused time of the old price, credited (minor units, positive). */
  credit: bigint;
  /** The new price for the time it covers (minor units). */
  charge: bigint;
  /** What the proration invoice collects now (never below zero). */
  amountDue: bigint;
  /** The billing period after the change. */
  periodStart: number;
  periodEnd: number;
}

/** amount × part ÷ whole, rounded half up, in integers. */
function share(amount: bigint, part: bigint, whole: bigint): bigint {
  return (2n * amount * part + whole) / (2n * whole);
}

export function prorate(input: {
  oldAmount: bigint;
  newAmount: bigint;
  periodStart: number;
  periodEnd: number;
  /** The proration date (seconds), inside the period. */
  at: number;
  /** The end of the new period when the interval changes; null to keep the period. */
  newPeriodEnd: number | null;
}): Proration {
  const whole = BigInt(input.periodEnd - input.periodStart);
  const at = Math.min(Math.max(input.at, input.periodStart), input.periodEnd);
  const unused = BigInt(input.periodEnd - at);
  const credit = whole > 0n ? share(input.oldAmount, unused, whole) : 0n;
  const charge =
    input.newPeriodEnd !== null
      ? input.newAmount
      : whole > 0n
        ? share(input.newAmount, unused, whole)
        : 0n;
  const due = charge - credit;
  return {
    credit,
    charge,
    amountDue: due > 0n ? due : 0n,
    periodStart: input.newPeriodEnd !== null ? at : input.periodStart,
    periodEnd: input.newPeriodEnd ?? input.periodEnd,
  };
}
