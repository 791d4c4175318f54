'use client';

import { useState } from 'react';
import { ThumbsDown, ThumbsUp } from 'lucide-react';
import { callApi } from '@/lib/api/client';
import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast';
import { cn } from '@/lib/utils';

/** Thumbs up / down on one AI call (a reply or a feature result); a second click replaces it. */
export function FeedbackButtons({ callId }: { callId: string }) {
  const [rating, setRating] = useState<'up' | 'down' | null>(null);
  const [pending, setPending] = useState(false);

  async function rate(next: 'up' | 'down') {
    setPending(true);
    try {
      await callApi('/api/ai/feedback', {
        method: 'POST',
        body: JSON.stringify({ callId, rating: next }),
      });
      setRating(next);
    } catch (error) {
      toast({ title: (error as Error).message, variant: 'destructive' });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="flex items-center gap-1" role="group" aria-label="Rate this answer">
      {(['up', 'down'] as const).map((value) => {
        const Icon = value === 'up' ? ThumbsUp : ThumbsDown;
        return (
          <Button
            key={value}
            type="button"
            size="sm"
            variant="ghost"
            className={cn('h-7 px-2', rating === value && 'text-primary')}
            aria-pressed={rating === value}
            aria-label={value === 'up' ? 'Good answer' : 'Bad answer'}
            disabled={pending}
            onClick={() => void rate(value)}
          >
            <Icon className="size-3.5" aria-hidden="true" />
          </Button>
        );
      })}
    </div>
  );
}
