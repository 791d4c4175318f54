import type { Metadata } from 'next';
import Link from 'next/link';
import { ArrowLeft } from 'lucide-react';
import { orgSubject } from '@/lib/core';
import { getOrgModels } from '@/lib/flags';
import { modelsFor } from '@/lib/gateway';
import { getMemberOrg } from '../member-org';
import { OrgModelsForm } from './org-models-form';

export const metadata: Metadata = { title: 'Models · Organization' };

/** Which models the org's members may use: a subset of the plan's, set by owners and admins. */
export default async function OrgModelsPage({ params }: { params: Promise<{ orgSlug: string }> }) {
  const { viewer, org } = await getMemberOrg((await params).orgSlug);
  const [available, allowed] = await Promise.all([
    modelsFor(viewer.session, orgSubject(org.id)),
    getOrgModels(viewer.session, org.id),
  ]);
  const manager = org.role === 'owner' || org.role === 'admin';
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-3">
        <Link
          href={`/organizations/${org.slug}/members`}
          className="text-muted-foreground hover:text-foreground inline-flex w-fit items-center gap-1 text-sm"
        >
          <ArrowLeft aria-hidden="true" className="size-4" />
          Members of {org.name}
        </Link>
        <h1 className="text-2xl font-semibold tracking-tight">Models of {org.name}</h1>
        <p className="text-muted-foreground text-sm">
          {manager
            ? 'Choose the models members may use on the org wallet. Owners and admins keep every model of the plan. None ticked: members may use them all.'
            : 'The models members may use on this org’s wallet.'}
        </p>
      </div>
      <OrgModelsForm
        orgId={org.id}
        manager={manager}
        models={available.map((model) => ({ id: model.id, name: model.displayName }))}
        allowed={allowed}
      />
    </div>
  );
}
