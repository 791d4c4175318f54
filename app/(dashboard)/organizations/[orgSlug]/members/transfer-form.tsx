'use client';

import { useRef, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { ArrowRightLeft } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { toast } from '@/components/ui/toast';
import { invalidateCredits } from '@/components/credits/queries';
import { ApiError, callApi } from '@/lib/api/client';
import { parseCredits } from '@/lib/credits/format';
import type { MemberView } from './types';

/**
 * Moves credits through the ledger's transfer function (POST /api/credits/transfer): anyone from
 * their personal wallet into the org; owners and admins from the org to a member.
 */
export function TransferForm({
  orgId,
  orgName,
  members,
  canPayOut,
}: {
  orgId: string;
  orgName: string;
  members: MemberView[];
  canPayOut: boolean;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [direction, setDirection] = useState<'in' | 'out'>('in');
  const [recipient, setRecipient] = useState(members[0]?.userId ?? '');
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const attempt = useRef<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    let micro: bigint;
    try {
      micro = parseCredits(amount);
      if (micro <= 0n) throw new RangeError('Enter an amount above zero.');
    } catch (caught) {
      setError(caught instanceof RangeError ? caught.message : 'Enter an amount like 10.');
      return;
    }
    setPending(true);
    attempt.current ??= crypto.randomUUID();
    const body =
      direction === 'in'
        ? { from: 'personal', to: { orgId }, amount: micro.toString() }
        : { from: { orgId }, to: { userId: recipient }, amount: micro.toString() };
    try {
      await callApi('/api/credits/transfer', {
        method: 'POST',
        headers: { 'idempotency-key': attempt.current },
        body: JSON.stringify(body),
      });
    } catch (caught) {
      setPending(false);
      // Unreachable: keep the key, so a retry cannot move the credits twice.
      if (!(caught instanceof ApiError) || caught.status !== 0) attempt.current = null;
      setError(caught instanceof ApiError ? caught.message : 'The transfer did not go through.');
      return;
    }
    setPending(false);
    attempt.current = null;
    setAmount('');
    toast({ title: 'Credits moved', variant: 'success' });
    void invalidateCredits(queryClient);
    router.refresh();
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <div className="grid gap-4 sm:grid-cols-3">
        <div className="flex flex-col gap-2">
          <Label htmlFor="transfer-direction">Direction</Label>
          <Select
            id="transfer-direction"
            value={direction}
            onChange={(event) => setDirection(event.target.value === 'out' ? 'out' : 'in')}
          >
            <option value="in">My wallet → {orgName}</option>
            {canPayOut ? <option value="out">{orgName} → a member</option> : null}
          </Select>
        </div>
        {direction === 'out' ? (
          <div className="flex flex-col gap-2">
            <Label htmlFor="transfer-recipient">Member</Label>
            <Select
              id="transfer-recipient"
              value={recipient}
              onChange={(event) => setRecipient(event.target.value)}
            >
              {members.map((member) => (
                <option key={member.userId} value={member.userId}>
                  {member.name || member.email}
                </option>
              ))}
            </Select>
          </div>
        ) : null}
        <div className="flex flex-col gap-2">
          <Label htmlFor="transfer-amount">Credits</Label>
          <Input
            id="transfer-amount"
            inputMode="decimal"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            placeholder="10"
            aria-invalid={error ? true : undefined}
          />
        </div>
      </div>
      {error ? (
        <p role="alert" className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
      <div>
        <Button type="submit" variant="outline" disabled={pending || amount.trim() === ''}>
          <ArrowRightLeft aria-hidden="true" />
          {pending ? 'Moving…' : 'Move credits'}
        </Button>
      </div>
    </form>
  );
}
