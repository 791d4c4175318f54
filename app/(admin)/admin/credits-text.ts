import { MICRO_PER_CREDIT } from '@/lib/credits/format';

/** Exact decimal text of micro-credits for an input ("12.5", "0.02"; never rounded). */
export function creditsText(micro: bigint): string {
  const whole = micro / MICRO_PER_CREDIT;
  const fraction = (micro % MICRO_PER_CREDIT).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
