import { CreditsSkeleton } from '@/components/credits/credits-skeleton';

export default function CreditsLoading() {
  return <CreditsSkeleton label="Loading your credits…" />;
}
