import Link from 'next/link';
import { formatCredits } from '@/lib/credits/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { buttonVariants } from '@/components/ui/button';

/**
 * A refused AI call, said the way the API's `code` means it: each refusal has its own reason and
 * its own next step (ask an admin, wait for the refresh, upgrade, buy credits, or the reason an
 * admin gave for turning AI off). Anything else is shown by its detail.
 */

export interface Refusal {
  code: string;
  detail?: string;
  [extension: string]: unknown;
}

const REFUSAL_CODES = new Set([
  'member_limit_reached',
  'insufficient_allowance',
  'upgrade_required',
  'insufficient_credits',
  'ai_disabled',
]);

/** Whether a problem is one of the refusals this notice explains (others are plain errors). */
export function isRefusal(problem: { code?: unknown } | null | undefined): boolean {
  return typeof problem?.code === 'string' && REFUSAL_CODES.has(problem.code);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function day(value: unknown): string | undefined {
  const iso = text(value);
  const date = iso ? new Date(iso) : undefined;
  if (!date || Number.isNaN(date.getTime())) return undefined;
  return date.toLocaleDateString('en', { day: 'numeric', month: 'long', year: 'numeric' });
}

function credits(value: unknown): string {
  return formatCredits(text(value) ?? '0');
}

/** The credits page of the wallet that pays: the org's when one is chosen. */
export function creditsHref(orgs: { id: string; slug?: string }[], orgId: string): string {
  const slug = orgs.find((org) => org.id === orgId)?.slug;
  return slug ? `/organizations/${slug}/credits` : '/credits';
}

interface Explained {
  title: string;
  body: string;
  action?: { href: string; label: string };
  secondary?: { href: string; label: string };
}

function explain(refusal: Refusal, creditsHref: string): Explained {
  switch (refusal.code) {
    case 'member_limit_reached': {
      const resets = day(refusal.resetsAt);
      return {
        title: 'Your monthly limit in this organization is reached',
        body:
          `You have used ${credits(refusal.used)} of the ${credits(refusal.limit)} credits an admin allows you each month` +
          `${resets ? `; it resets on ${resets}` : ''}. The organization's wallet is not the problem: ask an admin of the organization to raise your limit.`,
      };
    }
    case 'insufficient_allowance': {
      const refresh = day(refusal.refreshAt);
      return {
        title: 'This allowance is used up',
        body: `${refusal.detail ?? 'This allowance is used up for this period.'}${
          refresh ? ` It comes back in full on ${refresh}.` : ''
        } A higher plan has a larger monthly allowance.`,
        action: { href: '/pricing', label: 'See plans' },
      };
    }
    case 'upgrade_required':
      return {
        title: 'Your plan does not include this feature',
        body: refusal.detail ?? 'Upgrade your plan to use this feature.',
        action: { href: '/pricing', label: 'See plans' },
      };
    case 'insufficient_credits':
      return {
        title: 'Not enough credits',
        body: `This needs up to ${formatCredits(text(refusal.needed) ?? '0', { decimals: 6 })} credits; ${formatCredits(text(refusal.available) ?? '0', { decimals: 6 })} are available. Unused credits of a call are always returned.`,
        action: { href: `${creditsHref}?tab=purchase`, label: 'Buy credits' },
        secondary: { href: `${creditsHref}?tab=purchase`, label: 'Turn on auto-recharge' },
      };
    case 'ai_disabled':
      return {
        title: 'AI calls are turned off',
        body: refusal.detail ?? 'An administrator turned AI calls off for now.',
      };
    default:
      return {
        title: 'The request was refused',
        body: refusal.detail ?? 'Try again in a moment.',
      };
  }
}

export function RefusalNotice({
  refusal,
  creditsHref = '/credits',
}: {
  refusal: Refusal;
  /** The credits page of the wallet that paid (personal or the org's). */
  creditsHref?: string;
}) {
  const { title, body, action, secondary } = explain(refusal, creditsHref);
  return (
    <Alert variant="warning" role="alert" data-testid="refusal" data-code={refusal.code}>
      <AlertTitle>{title}</AlertTitle>
      <AlertDescription className="flex flex-col gap-3">
        <p>{body}</p>
        {action ? (
          <div className="flex flex-wrap gap-2">
            <Link href={action.href} className={buttonVariants({ size: 'sm' })}>
              {action.label}
            </Link>
            {secondary ? (
              <Link
                href={secondary.href}
                className={buttonVariants({ size: 'sm', variant: 'outline' })}
              >
                {secondary.label}
              </Link>
            ) : null}
          </div>
        ) : null}
      </AlertDescription>
    </Alert>
  );
}
