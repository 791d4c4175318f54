'use client';

import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { CreditCard } from 'lucide-react';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { Button, buttonVariants } from '@/components/ui/button';
import type { WalletScope } from './credits-config';
import { limitNotices } from './limits';
import {
  creditsKeys,
  fetchGrantProgress,
  fetchSummary,
  type PeriodGrantProgress,
  type WalletSummary,
} from './queries';

interface LimitWarningProps {
  scope: WalletScope;
  initialSummary: WalletSummary;
  initialGrant: PeriodGrantProgress;
  /** Owners, admins and personal wallets may buy; members are told whom to ask. */
  canBuy?: boolean;
  /** Where "Buy credits" leads; or onBuy when the Purchase tab is on the same page. */
  buyHref?: string;
  onBuy?: () => void;
}

/**
 * One banner at 80 % (info), 95 % (warning) and 100 % (error) of this period's plan credits and
 * allowances, or when the balance runs low: the loudest notice leads, the others follow as a
 * list. Live: the same queries as the balance card and the header balance.
 */
export function LimitWarning({
  scope,
  initialSummary,
  initialGrant,
  canBuy = true,
  buyHref,
  onBuy,
}: LimitWarningProps) {
  const { data: summary = initialSummary } = useQuery({
    queryKey: creditsKeys.summary(scope),
    queryFn: ({ signal }) => fetchSummary(scope, signal),
    initialData: initialSummary,
  });
  const { data: grant = initialGrant } = useQuery({
    queryKey: creditsKeys.grant(scope),
    queryFn: ({ signal }) => fetchGrantProgress(scope, signal),
    initialData: initialGrant,
  });
  const [lead, ...others] = limitNotices(summary, grant, scope.type);
  if (!lead) return null;
  const needsCredits = lead.buy || others.some((notice) => notice.buy);

  return (
    <Alert variant={lead.severity} data-testid="limit-warning" data-severity={lead.severity}>
      <AlertTitle>{lead.title}</AlertTitle>
      <AlertDescription className="flex flex-col items-start gap-2 [&_a]:no-underline">
        <p>{lead.description}</p>
        {others.length > 0 ? (
          <ul className="flex list-disc flex-col gap-1 pl-4">
            {others.map((notice) => (
              <li key={notice.key} data-severity={notice.severity}>
                <span className="font-medium">{notice.title}.</span> {notice.description}
              </li>
            ))}
          </ul>
        ) : null}
        {needsCredits && !canBuy ? (
          <p>Ask an owner or admin of the organization to buy more credits.</p>
        ) : null}
        {needsCredits && canBuy && onBuy ? (
          <Button variant="outline" size="sm" onClick={onBuy}>
            <CreditCard aria-hidden="true" />
            Buy credits
          </Button>
        ) : needsCredits && canBuy && buyHref ? (
          <Link href={buyHref} className={buttonVariants({ variant: 'outline', size: 'sm' })}>
            <CreditCard aria-hidden="true" />
            Buy credits
          </Link>
        ) : null}
      </AlertDescription>
    </Alert>
  );
}
