'use client';

import { useState } from 'react';
import { toast } from '@/components/ui/toast';
import { ApiError, callApi } from '@/lib/api/client';
import {
  EMAIL_CATEGORIES,
  EMAIL_CATEGORY_LABELS,
  type EmailCategory,
  type EmailPreferences,
} from '@/lib/email/schemas';

/**
 * Which optional emails the user receives; each switch saves at once (PATCH
 * /api/me/email-preferences). Receipts, refunds and invitations are always sent.
 */
export function EmailPreferencesForm({ initial }: { initial: EmailPreferences }) {
  const [preferences, setPreferences] = useState(initial);
  const [saving, setSaving] = useState<EmailCategory | null>(null);
  const [error, setError] = useState<string>();

  async function toggle(category: EmailCategory, on: boolean) {
    setSaving(category);
    setError(undefined);
    try {
      const saved = (await callApi('/api/me/email-preferences', {
        method: 'PATCH',
        body: JSON.stringify({ [category]: on }),
      })) as EmailPreferences;
      setPreferences(saved);
      toast({
        title: `${EMAIL_CATEGORY_LABELS[category].title} emails ${on ? 'on' : 'off'}`,
        variant: 'success',
      });
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'Saving failed. Please try again.');
    } finally {
      setSaving(null);
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <fieldset className="flex flex-col gap-3">
        <legend className="sr-only">Optional emails</legend>
        {EMAIL_CATEGORIES.map((category) => (
          <label key={category} className="flex items-start gap-3 text-sm">
            <input
              type="checkbox"
              name={category}
              checked={preferences[category]}
              disabled={saving !== null}
              onChange={(event) => void toggle(category, event.target.checked)}
              className="accent-primary mt-0.5 size-4 shrink-0"
            />
            <span className="flex flex-col">
              <span className="font-medium">{EMAIL_CATEGORY_LABELS[category].title}</span>
              <span className="text-muted-foreground">
                {EMAIL_CATEGORY_LABELS[category].detail}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <p className="text-muted-foreground text-xs">
        Receipts, refunds, billing problems and invitations are always emailed.
      </p>
      {error ? (
        <p role="alert" className="text-destructive text-sm">
          {error}
        </p>
      ) : null}
    </div>
  );
}
