'use client';

import { useEffect } from 'react';
import { useSearchParams } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';

/**
 * Back on the billing page from a subscription checkout or a plan change (?checkout=success,
 * ?changed=…): the plan, its credits and allowances have just changed, so every figure the
 * client already holds (the header balance, the sidebar's usage widget) is read again once.
 */
export function PlanChangeRefresh() {
  const params = useSearchParams();
  const changed = params.get('checkout') === 'success' || params.has('changed');
  const queryClient = useQueryClient();
  useEffect(() => {
    if (changed) void queryClient.invalidateQueries();
  }, [changed, queryClient]);
  return null;
}
