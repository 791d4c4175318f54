import Link from 'next/link';
import { Coins } from 'lucide-react';
import { formatCredits } from '@/lib/credits/format';
import { Alert, AlertDescription, AlertTitle } from '@/components/ui/alert';
import { buttonVariants } from '@/components/ui/button';
import type { ChatProblem } from './model-options';

/** A 402 from the chat API, turned into what to do about it. */
export function BuyCreditsPrompt({ problem }: { problem: ChatProblem }) {
  return (
    <Alert variant="warning" data-testid="buy-credits-prompt">
      <AlertTitle>Not enough credits for this message</AlertTitle>
      <AlertDescription className="flex flex-col gap-3">
        <p>
          This message can need up to {formatCredits(problem.needed ?? '0', { decimals: 6 })}{' '}
          credits; you have {formatCredits(problem.available ?? '0', { decimals: 6 })} available.
          Unused credits of a message are always returned.
        </p>
        <Link href="/credits" className={buttonVariants({ size: 'sm', className: 'w-fit' })}>
          <Coins aria-hidden="true" className="size-4" />
          Buy credits
        </Link>
      </AlertDescription>
    </Alert>
  );
}
