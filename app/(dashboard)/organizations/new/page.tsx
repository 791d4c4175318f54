import type { Metadata } from 'next';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { CreateOrgForm } from './create-org-form';

export const metadata: Metadata = { title: 'New organization' };

/** Create an organization: you become its owner and it gets its own credit wallet. */
export default function NewOrganizationPage() {
  return (
    <div className="mx-auto flex w-full max-w-xl flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">New organization</h1>
        <p className="text-muted-foreground text-sm">
          A shared credit wallet for your team. You become its owner and can invite people next.
        </p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Organization details</CardTitle>
          <CardDescription>You can rename it later; the address stays.</CardDescription>
        </CardHeader>
        <CardContent>
          <CreateOrgForm />
        </CardContent>
      </Card>
    </div>
  );
}
