import { Bot, User } from 'lucide-react';
import type { ChatMessage as Message } from '@/lib/gateway/chat-types';
import { formatCredits } from '@/lib/credits/format';
import { cn } from '@/lib/utils';
import { FeedbackButtons } from './feedback-buttons';

/** One message; an assistant reply shows its tokens and the exact credits it cost. */
export function ChatMessage({ message }: { message: Message }) {
  const mine = message.role === 'user';
  const text = message.parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
  const meta = message.metadata;
  return (
    <li
      className={cn('flex gap-3', mine ? 'flex-row-reverse' : 'flex-row')}
      data-testid={mine ? 'user-message' : 'assistant-message'}
    >
      <span
        aria-hidden="true"
        className="bg-muted text-muted-foreground flex size-8 shrink-0 items-center justify-center rounded-full"
      >
        {mine ? <User className="size-4" /> : <Bot className="size-4" />}
      </span>
      <div className={cn('flex max-w-[85%] min-w-0 flex-col gap-1', mine && 'items-end')}>
        <span className="sr-only">{mine ? 'You said:' : 'Assistant replied:'}</span>
        <p
          className={cn(
            'rounded-lg px-3 py-2 text-sm break-words whitespace-pre-wrap',
            mine ? 'bg-primary text-primary-foreground' : 'bg-muted',
          )}
        >
          {text || '…'}
        </p>
        {!mine && meta?.creditsUsed !== undefined ? (
          <p
            className="text-muted-foreground text-xs tabular-nums"
            data-testid="message-cost"
            data-micro-credits={meta.creditsUsed}
          >
            {meta.inputTokens ?? 0} in · {meta.outputTokens ?? 0} out tokens ·{' '}
            {formatCredits(meta.creditsUsed, { decimals: 6 })} credits
            {meta.status === 'voided' ? ' (not charged)' : ''}
            {meta.status === 'counted' ? ' (stopped: charged for what was sent and shown)' : ''}
            {meta.status === 'held' ? ' (usage unknown: reserved amount charged)' : ''}
            {meta.status === 'cached' ? ' (cached answer)' : ''}
            {meta.status === 'byok' ? ' (your own API key)' : ''}
            {meta.modelChoice && meta.modelChoice.reason !== 'requested'
              ? ` · ${meta.model}: ${meta.modelChoice.detail}`
              : ''}
          </p>
        ) : null}
        {!mine && meta?.callId ? <FeedbackButtons callId={meta.callId} /> : null}
      </div>
    </li>
  );
}
