'use client';

import { lazy, Suspense, useRef, useState } from 'react';
import { FileText } from 'lucide-react';
import { Button } from '@/components/ui/button';

// The dialog (Radix Dialog, the template forms) is fetched on first use, or as soon as the
// pointer or focus reaches the button, so the assistant page does not load it up front.
const loadDialog = () => import('./template-dialog');
const TemplateDialog = lazy(() =>
  loadDialog().then((module) => ({ default: module.TemplateDialog })),
);

/**
 * "Use template": pick a saved prompt (yours or a public one), fill its variables, and the
 * rendered text lands in the composer (./template-dialog). A short form saves a new template.
 */
export function TemplatePicker({
  onInsert,
  disabled,
}: {
  onInsert: (text: string) => void;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  // Mounted from the first open on, so the dialog keeps its chunk and state afterwards.
  const [used, setUsed] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);

  function preload() {
    void loadDialog();
  }

  return (
    <>
      <Button
        ref={trigger}
        type="button"
        variant="outline"
        disabled={disabled}
        aria-haspopup="dialog"
        aria-expanded={open}
        onPointerEnter={preload}
        onFocus={preload}
        onClick={() => {
          setUsed(true);
          setOpen(true);
        }}
      >
        <FileText aria-hidden="true" className="size-4" />
        Use template
      </Button>
      {used ? (
        <Suspense fallback={null}>
          <TemplateDialog open={open} setOpen={setOpen} onInsert={onInsert} trigger={trigger} />
        </Suspense>
      ) : null}
    </>
  );
}
