import { CreditsSkeleton } from '@/components/credits/credits-skeleton';

export default function OrgCreditsLoading() {
  return <CreditsSkeleton label="Loading the organization's credits…" />;
}
