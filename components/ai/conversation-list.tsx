'use client';

import { lazy, Suspense, useState } from 'react';
import { MessageSquare, Pencil, Plus, Trash2 } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { cn } from '@/lib/utils';
import type { ConversationSummary } from './conversation-api';

/**
 * The viewer's chats: a sidebar on wide screens, a picker on phones. New chat, switch, rename
 * and delete; the current one is highlighted.
 */

const UNTITLED = 'Untitled chat';

// Rename and delete (Radix Dialog with them) are fetched on first use, or as soon as the pointer
// or focus reaches their buttons, so the assistant page does not load them up front.
const loadDialogs = () => import('./conversation-dialogs');
const ConversationDialogs = lazy(() =>
  loadDialogs().then((module) => ({ default: module.ConversationDialogs })),
);
const preloadDialogs = () => void loadDialogs();

interface ListProps {
  conversations: ConversationSummary[];
  activeId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
  disabled?: boolean;
}

export function ConversationList(props: ListProps) {
  const { conversations, activeId, onSelect, onNew, disabled } = props;
  const [renaming, setRenaming] = useState<ConversationSummary | null>(null);
  const [deleting, setDeleting] = useState<ConversationSummary | null>(null);
  // Mounted from the first rename or delete on, so the dialogs keep their chunk afterwards.
  const [used, setUsed] = useState(false);
  const active = conversations.find((conversation) => conversation.id === activeId) ?? null;

  const actions = (conversation: ConversationSummary, compact: boolean) => (
    <div className={cn('flex shrink-0', compact ? 'gap-2' : 'gap-0.5')}>
      <Button
        type="button"
        variant={compact ? 'outline' : 'ghost'}
        size="icon"
        className={compact ? undefined : 'size-7'}
        aria-label="Rename chat"
        disabled={disabled}
        onPointerEnter={preloadDialogs}
        onFocus={preloadDialogs}
        onClick={() => {
          setUsed(true);
          setRenaming(conversation);
        }}
      >
        <Pencil aria-hidden="true" className="size-3.5" />
      </Button>
      <Button
        type="button"
        variant={compact ? 'outline' : 'ghost'}
        size="icon"
        className={compact ? undefined : 'size-7'}
        aria-label="Delete chat"
        disabled={disabled}
        onPointerEnter={preloadDialogs}
        onFocus={preloadDialogs}
        onClick={() => {
          setUsed(true);
          setDeleting(conversation);
        }}
      >
        <Trash2 aria-hidden="true" className="size-3.5" />
      </Button>
    </div>
  );

  return (
    <>
      {/* Phones: a picker and the current chat's actions. */}
      <div className="flex min-w-0 items-end gap-2 lg:hidden" data-testid="chat-picker">
        <div className="flex min-w-0 flex-1 flex-col gap-1.5">
          <Label htmlFor="ai-chat-select">Chat</Label>
          <Select
            id="ai-chat-select"
            value={activeId ?? ''}
            disabled={disabled}
            onChange={(event) => (event.target.value ? onSelect(event.target.value) : onNew())}
          >
            <option value="">New chat</option>
            {conversations.map((conversation) => (
              <option key={conversation.id} value={conversation.id}>
                {conversation.title ?? UNTITLED}
              </option>
            ))}
          </Select>
        </div>
        {active ? actions(active, true) : null}
        <Button
          type="button"
          variant="outline"
          size="icon"
          aria-label="New chat"
          disabled={disabled}
          onClick={onNew}
        >
          <Plus aria-hidden="true" className="size-4" />
        </Button>
      </div>

      {/* Wide screens: the sidebar. */}
      <nav aria-label="Chats" className="hidden min-w-0 flex-col gap-2 lg:flex">
        <Button type="button" variant="outline" onClick={onNew} disabled={disabled}>
          <Plus aria-hidden="true" className="size-4" />
          New chat
        </Button>
        {conversations.length === 0 ? (
          <p className="text-muted-foreground px-1 text-xs">Your chats appear here.</p>
        ) : (
          <ul className="flex flex-col gap-0.5" data-testid="chat-list">
            {conversations.map((conversation) => {
              const current = conversation.id === activeId;
              return (
                <li
                  key={conversation.id}
                  className={cn(
                    'group flex items-center gap-1 rounded-md pr-1',
                    current ? 'bg-muted' : 'hover:bg-muted/60',
                  )}
                >
                  <button
                    type="button"
                    className="flex min-w-0 flex-1 items-center gap-2 px-2 py-1.5 text-left text-sm"
                    aria-current={current ? 'page' : undefined}
                    disabled={disabled}
                    onClick={() => onSelect(conversation.id)}
                  >
                    <MessageSquare
                      aria-hidden="true"
                      className="text-muted-foreground size-3.5 shrink-0"
                    />
                    <span className="truncate">{conversation.title ?? UNTITLED}</span>
                  </button>
                  {current ? actions(conversation, false) : null}
                </li>
              );
            })}
          </ul>
        )}
      </nav>

      {used ? (
        <Suspense fallback={null}>
          <ConversationDialogs
            renaming={renaming}
            deleting={deleting}
            onCloseRename={() => setRenaming(null)}
            onCloseDelete={() => setDeleting(null)}
            onRename={props.onRename}
            onDelete={props.onDelete}
          />
        </Suspense>
      ) : null}
    </>
  );
}
