'use client';

import { useState, type FormEvent, type RefObject } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { placeholdersOf } from '@/lib/ai/template-render';
import { Alert, AlertDescription } from '@/components/ui/alert';
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
import { Select } from '@/components/ui/select';
import { conversationKeys, templatesApi, type TemplateSummary } from './conversation-api';

/**
 * The template dialog behind "Use template" (./template-picker, which loads this module on first
 * use): pick a saved prompt (yours or a public one), fill its variables, and the rendered text
 * lands in the composer. A short form saves a new template.
 */
export function TemplateDialog({
  open,
  setOpen,
  onInsert,
  trigger,
}: {
  open: boolean;
  setOpen: (open: boolean) => void;
  onInsert: (text: string) => void;
  /** The "Use template" button, which gets focus back when the dialog closes. */
  trigger: RefObject<HTMLButtonElement | null>;
}) {
  const [creating, setCreating] = useState(false);
  const [selectedId, setSelectedId] = useState('');
  const templates = useQuery({
    queryKey: conversationKeys.templates,
    queryFn: templatesApi.list,
    enabled: open,
  });
  const list = templates.data ?? [];
  const selected = list.find((template) => template.id === selectedId) ?? list[0] ?? null;

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setCreating(false);
      }}
    >
      <DialogContent
        onCloseAutoFocus={(event) => {
          event.preventDefault();
          trigger.current?.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>{creating ? 'New template' : 'Use a template'}</DialogTitle>
          <DialogDescription>
            {creating
              ? 'Write {{name}} where a value goes; each becomes a field to fill in.'
              : 'Fill in the fields; the prompt goes into the composer for you to check and send.'}
          </DialogDescription>
        </DialogHeader>
        {creating ? (
          <NewTemplateForm
            onCancel={() => setCreating(false)}
            onCreated={(template) => {
              setSelectedId(template.id);
              setCreating(false);
            }}
          />
        ) : templates.isPending ? (
          <p className="text-muted-foreground text-sm">Loading templates…</p>
        ) : list.length === 0 ? (
          <p className="text-muted-foreground text-sm">No templates yet. Create the first one.</p>
        ) : (
          <>
            <div className="flex flex-col gap-1.5">
              <Label htmlFor="ai-template">Template</Label>
              <Select
                id="ai-template"
                value={selected?.id ?? ''}
                onChange={(event) => setSelectedId(event.target.value)}
              >
                {list.map((template) => (
                  <option key={template.id} value={template.id}>
                    {template.name}
                    {template.mine ? '' : ' (shared)'}
                  </option>
                ))}
              </Select>
              {selected?.description ? (
                <p className="text-muted-foreground text-xs">{selected.description}</p>
              ) : null}
            </div>
            {selected ? (
              <FillForm
                key={selected.id}
                template={selected}
                onRendered={(text) => {
                  onInsert(text);
                  setOpen(false);
                }}
              />
            ) : null}
          </>
        )}
        {creating ? null : (
          <Button
            type="button"
            variant="link"
            className="justify-self-start"
            onClick={() => setCreating(true)}
          >
            Create a template
          </Button>
        )}
      </DialogContent>
    </Dialog>
  );
}

function FillForm({
  template,
  onRendered,
}: {
  template: TemplateSummary;
  onRendered: (text: string) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const values: Record<string, string> = {};
    for (const variable of template.variables) {
      const value = String(form.get(`var-${variable.name}`) ?? '');
      if (value !== '') values[variable.name] = value;
    }
    setBusy(true);
    setError(null);
    try {
      onRendered(await templatesApi.render(template.id, values));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The template could not be filled in.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" data-testid="template-fill">
      {template.variables.map((variable) => (
        <div key={variable.name} className="flex flex-col gap-1.5">
          <Label htmlFor={`ai-var-${variable.name}`}>
            {variable.name}
            {variable.required && variable.default === undefined ? ' *' : ''}
          </Label>
          <Input
            id={`ai-var-${variable.name}`}
            name={`var-${variable.name}`}
            maxLength={variable.maxLength}
            placeholder={variable.default ?? ''}
          />
          {variable.description ? (
            <p className="text-muted-foreground text-xs">{variable.description}</p>
          ) : null}
        </div>
      ))}
      {error ? (
        <Alert variant="destructive" role="alert">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <DialogFooter>
        <Button type="submit" disabled={busy}>
          Insert prompt
        </Button>
      </DialogFooter>
    </form>
  );
}

function NewTemplateForm({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (template: TemplateSummary) => void;
}) {
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const variables = placeholdersOf(body);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const template = await templatesApi.create({
        name: String(form.get('name') ?? ''),
        body,
        visibility: form.get('visibility') === 'public' ? 'public' : 'private',
        variables: variables.map((name) => ({ name, required: true })),
      });
      await queryClient.invalidateQueries({ queryKey: conversationKeys.templates });
      onCreated(template);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : 'The template could not be saved.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="ai-template-name">Name</Label>
        <Input id="ai-template-name" name="name" required maxLength={100} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="ai-template-body">Template text</Label>
        <textarea
          id="ai-template-body"
          value={body}
          onChange={(event) => setBody(event.target.value)}
          required
          rows={4}
          maxLength={20_000}
          placeholder="Summarise {{text}} for {{audience}}"
          className="border-input bg-background focus-visible:outline-ring w-full resize-y rounded-md border px-3 py-2 text-sm shadow-xs focus-visible:outline-2 focus-visible:outline-offset-1"
        />
        <p className="text-muted-foreground text-xs">
          {variables.length > 0 ? `Fields: ${variables.join(', ')}` : 'No fields yet.'}
        </p>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="ai-template-visibility">Who can use it</Label>
        <Select id="ai-template-visibility" name="visibility" defaultValue="private">
          <option value="private">Only me</option>
          <option value="public">Everyone signed in</option>
        </Select>
      </div>
      {error ? (
        <Alert variant="destructive" role="alert">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <DialogFooter>
        <Button type="button" variant="outline" onClick={onCancel}>
          Back
        </Button>
        <Button type="submit" disabled={busy}>
          Save template
        </Button>
      </DialogFooter>
    </form>
  );
}
