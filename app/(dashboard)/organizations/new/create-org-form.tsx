'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { Alert, AlertDescription } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { slugify } from '@/lib/orgs/schemas';
import { createOrganizationAction } from './actions';

/** Name and address of a new organization; the address follows the name until edited. */
export function CreateOrgForm() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const shownSlug = slugEdited ? slug : name.trim() ? slugify(name) : '';

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const result = await createOrganizationAction({
        name,
        slug: slugEdited && slug ? slug : undefined,
      });
      if (!result.ok) {
        setError(result.error.detail);
        return;
      }
      router.push(`/organizations/${result.data.slug}/members`);
    });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      {error ? (
        <Alert variant="destructive" id="create-org-error">
          <AlertDescription>{error}</AlertDescription>
        </Alert>
      ) : null}
      <div className="flex flex-col gap-2">
        <Label htmlFor="org-name">Name</Label>
        <Input
          id="org-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={80}
          required
          autoFocus
          placeholder="Acme AI"
          aria-describedby={error ? 'create-org-error' : undefined}
        />
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="org-slug">Address</Label>
        <div className="flex items-center gap-2">
          <span className="text-muted-foreground text-sm whitespace-nowrap">/organizations/</span>
          <Input
            id="org-slug"
            value={shownSlug}
            onChange={(event) => {
              setSlugEdited(true);
              setSlug(event.target.value.toLowerCase());
            }}
            maxLength={48}
            placeholder="acme-ai"
            aria-describedby="org-slug-hint"
          />
        </div>
        <p id="org-slug-hint" className="text-muted-foreground text-xs">
          Lower-case letters, digits and dashes.
        </p>
      </div>
      <div>
        <Button type="submit" disabled={pending || name.trim() === ''}>
          {pending ? 'Creating…' : 'Create organization'}
        </Button>
      </div>
    </form>
  );
}
