import Link from 'next/link';
import { Lock } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';

/** Shown instead of allowances when the plan has no AI features (Free, Starter). */
export function UpgradeBlock({ planName }: { planName: string }) {
  return (
    <Card data-testid="upgrade-block" className="border-primary/30">
      <CardHeader>
        <div className="flex items-center gap-2">
          <Lock aria-hidden="true" className="text-primary size-5" />
          <CardTitle as="h2">Upgrade to use AI features</CardTitle>
        </div>
        <CardDescription>
          Your {planName} plan pays for usage with credits only. Lead generation, goal generation,
          strategy analysis and forecasts come with monthly allowances on Pro and Enterprise.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap gap-2">
        <Button asChild>
          <Link href="/pricing">See plans</Link>
        </Button>
        <Button asChild variant="outline">
          <Link href="/credits">Keep paying with credits</Link>
        </Button>
      </CardContent>
    </Card>
  );
}
