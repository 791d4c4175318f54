'use client';

import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { RefreshCw } from 'lucide-react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { ApiKeySecret } from './api-key-secret';
import { apiKeyErrorMessage, rotateApiKeyRequest } from './api-keys-api';

const GRACES = [
  { seconds: 0, label: 'None: the old key stops now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
] as const;

/** Gives a key a new secret (shown once); the old one keeps working for the chosen grace. */
export function ApiKeyRotateDialog({
  keyId,
  keyName,
  onRotated,
}: {
  keyId: string;
  keyName: string;
  onRotated: () => void;
}) {
  const [grace, setGrace] = useState<number>(3600);
  const rotate = useMutation({
    mutationFn: () => rotateApiKeyRequest(keyId, grace),
    onSuccess: onRotated,
  });

  return (
    <Dialog onOpenChange={(open) => (open ? undefined : rotate.reset())}>
      <DialogTrigger asChild>
        <Button type="button" variant="ghost" size="sm" aria-label={`Rotate ${keyName}`}>
          <RefreshCw aria-hidden="true" />
          Rotate
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Rotate “{keyName}”</DialogTitle>
          <DialogDescription>
            A new secret replaces this one. Keep the old one working long enough to deploy the new.
          </DialogDescription>
        </DialogHeader>
        {rotate.data ? (
          <ApiKeySecret secret={rotate.data.secret} />
        ) : (
          <div className="flex flex-col gap-2">
            <Label htmlFor={`grace-${keyId}`}>Old key keeps working for</Label>
            <Select
              id={`grace-${keyId}`}
              value={grace}
              onChange={(event) => setGrace(Number(event.target.value))}
            >
              {GRACES.map((choice) => (
                <option key={choice.seconds} value={choice.seconds}>
                  {choice.label}
                </option>
              ))}
            </Select>
            {rotate.error ? (
              <p role="alert" className="text-destructive text-sm">
                {apiKeyErrorMessage(rotate.error)}
              </p>
            ) : null}
          </div>
        )}
        <DialogFooter>
          <DialogClose asChild>
            <Button type="button" variant={rotate.data ? 'default' : 'outline'}>
              {rotate.data ? 'Done' : 'Cancel'}
            </Button>
          </DialogClose>
          {rotate.data ? null : (
            <Button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
              {rotate.isPending ? 'Rotating…' : 'Rotate key'}
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
