'use client';

import { useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { LogOut } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast';
import { leaveAction } from './actions';
import type { OrgRef } from './types';

/** Leave the organization (the last owner is told to hand over first). */
export function LeaveButton({ org, orgName }: { org: OrgRef; orgName: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="outline"
      disabled={pending}
      onClick={() => {
        if (!window.confirm(`Leave ${orgName}? You lose access to its wallet.`)) return;
        startTransition(async () => {
          const result = await leaveAction(org);
          if (!result.ok) {
            toast({ title: result.error.detail, variant: 'destructive' });
            return;
          }
          toast({ title: `You left ${orgName}`, variant: 'success' });
          router.push('/organizations');
        });
      }}
    >
      <LogOut aria-hidden="true" />
      Leave organization
    </Button>
  );
}
