'use client';

import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import type { ConversationSummary } from './conversation-api';

/** Rename and delete of a chat (./conversation-list loads this module on first use). */

const UNTITLED = 'Untitled chat';

export function ConversationDialogs({
  renaming,
  deleting,
  onCloseRename,
  onCloseDelete,
  onRename,
  onDelete,
}: {
  renaming: ConversationSummary | null;
  deleting: ConversationSummary | null;
  onCloseRename: () => void;
  onCloseDelete: () => void;
  onRename: (id: string, title: string) => Promise<void>;
  onDelete: (id: string) => Promise<void>;
}) {
  return (
    <>
      <RenameDialog conversation={renaming} onClose={onCloseRename} onRename={onRename} />
      <DeleteDialog conversation={deleting} onClose={onCloseDelete} onDelete={onDelete} />
    </>
  );
}

function RenameDialog({
  conversation,
  onClose,
  onRename,
}: {
  conversation: ConversationSummary | null;
  onClose: () => void;
  onRename: (id: string, title: string) => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!conversation) return;
    const title = String(new FormData(event.currentTarget).get('title') ?? '').trim();
    if (!title) return setError('Enter a title.');
    setSaving(true);
    try {
      await onRename(conversation.id, title);
      onClose();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The chat could not be renamed.');
    } finally {
      setSaving(false);
    }
  }

  return (
    <Dialog
      open={conversation !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
        setError(null);
      }}
    >
      <DialogContent>
        <form onSubmit={submit} className="flex flex-col gap-4">
          <DialogHeader>
            <DialogTitle>Rename chat</DialogTitle>
            <DialogDescription>The title shows in your list of chats.</DialogDescription>
          </DialogHeader>
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="ai-chat-title">Title</Label>
            <Input
              id="ai-chat-title"
              name="title"
              maxLength={200}
              defaultValue={conversation?.title ?? ''}
              aria-invalid={error ? true : undefined}
              autoFocus
            />
            {error ? (
              <p className="text-destructive text-xs" role="alert">
                {error}
              </p>
            ) : null}
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={saving}>
              Save title
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function DeleteDialog({
  conversation,
  onClose,
  onDelete,
}: {
  conversation: ConversationSummary | null;
  onClose: () => void;
  onDelete: (id: string) => Promise<void>;
}) {
  const [deleting, setDeleting] = useState(false);
  return (
    <Dialog open={conversation !== null} onOpenChange={(open) => (open ? null : onClose())}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Delete this chat?</DialogTitle>
          <DialogDescription>
            “{conversation?.title ?? UNTITLED}” and its messages are removed for good. What the
            replies cost stays in your credit history.
          </DialogDescription>
        </DialogHeader>
        <DialogFooter>
          <Button type="button" variant="outline" onClick={onClose}>
            Cancel
          </Button>
          <Button
            type="button"
            variant="destructive"
            disabled={deleting}
            onClick={async () => {
              if (!conversation) return;
              setDeleting(true);
              await onDelete(conversation.id).finally(() => setDeleting(false));
              onClose();
            }}
          >
            Delete chat
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
