import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { Building2, Download, Webhook, type LucideIcon } from 'lucide-react';
import { toJson, subjectFor } from '@/lib/core';
import { getViewer } from '@/lib/auth';
import { BYOK_PROVIDERS, listByokActivity, listProviderKeys } from '@/lib/gateway';
import { resolveWallet } from '@/lib/credits';
import { listApiKeys } from '@/lib/api-keys';
import { billingMode, getAutoRecharge, listPackages } from '@/lib/stripe';
import { alertSettingsView, getAlertSettings } from '@/lib/alerts';
import { getEmailPreferences } from '@/lib/email';
import { EmailPreferencesForm } from '@/components/email/email-preferences-form';
import { AutoRechargeForm } from '@/components/billing/auto-recharge-form';
import { ThresholdSettings } from '@/components/notifications/threshold-settings';
import { toPackageView } from '@/components/billing/views';
import { Button, buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { DELETE_ACCOUNT_PHRASE, getDeletionImpact } from '@/lib/profile';
import { formatCredits } from '@/lib/credits/format';
import { DeleteAccountForm } from './delete-account';
import { ProfileForm } from './profile-form';
import { apiKeyViewSchema } from './api-keys-api';
import { ApiKeys } from './api-keys-client';
import { storedKeySchema } from './provider-keys-api';
import { ProviderKeys } from './provider-keys-client';

export const metadata: Metadata = { title: 'Settings' };

/**
 * The viewer's profile, auto-recharge, alert thresholds, provider keys, API keys, and the ways to
 * webhooks and to their orgs.
 */
export default async function SettingsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/login');
  const { session } = viewer;
  const walletId = await resolveWallet(session, { type: 'personal' });
  const renderedAt = new Date();
  // Org keys are managed by owners and admins only (the API checks the same).
  const keyScopes = [
    { orgId: null, label: 'your account' },
    ...viewer.orgs
      .filter((org) => org.role === 'owner' || org.role === 'admin')
      .map((org) => ({ orgId: org.id, label: org.name })),
  ];
  const [packages, autoRecharge, scopedApiKeys, scopedKeys, impact, emailPreferences] =
    await Promise.all([
      listPackages(session),
      getAutoRecharge(session, walletId),
      Promise.all(
        keyScopes.map(async (scope) => ({
          ...scope,
          // Through the API's JSON so the first render and every refetch share one shape.
          keys: z
            .array(apiKeyViewSchema)
            .parse(JSON.parse(toJson(await listApiKeys(session, scope.orgId)))),
        })),
      ),
      Promise.all(
        keyScopes.map(async (scope) => {
          const [keys, activity] = await Promise.all([
            listProviderKeys(session, scope.orgId),
            listByokActivity(session, subjectFor(session, scope.orgId)),
          ]);
          // Through the API's JSON so the first render and every refetch share one shape.
          const initialKeys = z.array(storedKeySchema).parse(JSON.parse(toJson(keys)));
          return { ...scope, keys: initialKeys, activity };
        }),
      ),
      getDeletionImpact(session),
      getEmailPreferences(session),
    ]);
  // Alerts: the personal wallet, and each org wallet the viewer owns or administers.
  const alertScopes = await Promise.all(
    keyScopes.map(async (scope) => {
      const scopeWallet = scope.orgId
        ? await resolveWallet(session, { type: 'org', orgId: scope.orgId })
        : walletId;
      const settings = alertSettingsView.parse(
        JSON.parse(toJson(await getAlertSettings(session, scopeWallet))),
      );
      return { ...scope, settings };
    }),
  );

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="text-muted-foreground text-sm">Your profile and personal wallet.</p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Profile</CardTitle>
          <CardDescription>The name your teammates see.</CardDescription>
        </CardHeader>
        <CardContent>
          <ProfileForm initialName={viewer.fullName} email={viewer.email} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Auto-recharge</CardTitle>
          <CardDescription>
            Buy a package automatically when your personal credits run low.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {billingMode() === 'disabled' ? (
            <p className="text-muted-foreground text-sm">Buying credits is not available here.</p>
          ) : (
            <AutoRechargeForm
              endpoint="/api/credits/auto-recharge"
              packages={packages.map(toPackageView)}
              initial={{ ...autoRecharge, threshold: autoRecharge.threshold?.toString() ?? null }}
            />
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Alerts and notifications</CardTitle>
          <CardDescription>
            Get a notification (and a webhook event) when credits run low. Refused spends, unusual
            spikes, expiring keys and failed top-ups are always reported.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-8">
          {alertScopes.map((scope) => (
            <section
              key={scope.orgId ?? 'personal'}
              aria-label={`Alerts of ${scope.label}`}
              className="flex flex-col gap-4"
            >
              {alertScopes.length > 1 ? (
                <h3 className="text-sm font-semibold">
                  {scope.orgId ? `${scope.label} (organization)` : 'Personal wallet'}
                </h3>
              ) : null}
              <ThresholdSettings
                initial={scope.settings}
                orgId={scope.orgId ?? undefined}
                scopeLabel={scope.orgId ? `the ${scope.label} wallet` : 'your wallet'}
              />
            </section>
          ))}
        </CardContent>
      </Card>
      <Card id="email">
        <CardHeader>
          <CardTitle as="h2">Email</CardTitle>
          <CardDescription>
            What we email to {viewer.email}, besides the notifications in the bell.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <EmailPreferencesForm initial={emailPreferences} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">Provider keys (BYOK)</CardTitle>
          <CardDescription>
            Calls to a provider you hold a key for are paid with that key instead of credits.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-8">
          {scopedKeys.map((scope) => (
            <section
              key={scope.orgId ?? 'personal'}
              aria-label={`Provider keys of ${scope.label}`}
              className="flex flex-col gap-4"
            >
              {scopedKeys.length > 1 ? (
                <h3 className="text-sm font-semibold">
                  {scope.orgId ? `${scope.label} (organization)` : 'Personal keys'}
                </h3>
              ) : null}
              <ProviderKeys
                orgId={scope.orgId}
                scopeLabel={scope.label}
                providers={BYOK_PROVIDERS}
                initialKeys={scope.keys}
                activity={scope.activity}
                now={renderedAt}
              />
            </section>
          ))}
        </CardContent>
      </Card>
      <Card id="api-keys" className="scroll-mt-20">
        <CardHeader>
          <CardTitle as="h2">API keys</CardTitle>
          <CardDescription>
            Call Tollgate from your own code. A key spends from its wallet within its own limits;
            its secret is shown once, when it is created or rotated.{' '}
            <Link href="/docs" className="text-primary underline">
              Developer docs
            </Link>
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-8">
          {scopedApiKeys.map((scope) => (
            <section
              key={scope.orgId ?? 'personal'}
              aria-label={`API keys of ${scope.label}`}
              className="flex flex-col gap-4"
            >
              {scopedApiKeys.length > 1 ? (
                <h3 className="text-sm font-semibold">
                  {scope.orgId ? `${scope.label} (organization)` : 'Personal keys'}
                </h3>
              ) : null}
              <ApiKeys orgId={scope.orgId} scopeLabel={scope.label} initialKeys={scope.keys} />
            </section>
          ))}
        </CardContent>
      </Card>
      <LinkCard
        title="Webhooks"
        description="Send alerts, purchases and refunds to your own systems as signed HTTP requests."
        href="/settings/webhooks"
        icon={Webhook}
        label="Manage webhooks"
      />
      <LinkCard
        title="Organizations"
        description={`${
          viewer.orgs.length === 0
            ? 'You are not in an organization yet.'
            : `You belong to ${viewer.orgs.length} organization${viewer.orgs.length === 1 ? '' : 's'}.`
        } Members, roles and the shared wallets live there.`}
        href="/organizations"
        icon={Building2}
        label="Manage organizations"
      />
      <Card>
        <CardHeader>
          <CardTitle as="h2">Your data</CardTitle>
          <CardDescription>
            Download your profile, memberships, wallet history, AI usage and conversations as JSON.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <a
            href="/api/me/export"
            download
            className={buttonVariants({ variant: 'outline', className: 'w-fit' })}
          >
            <Download aria-hidden="true" />
            Export my data
          </a>
        </CardContent>
      </Card>
      <Card className="border-destructive/40">
        <CardHeader>
          <CardTitle as="h2">Delete account</CardTitle>
          <CardDescription>
            Your profile, memberships, conversations, templates, keys, webhooks and notifications
            are removed and you are signed out everywhere. Transactions stay in the ledger under an
            anonymous account, as accounting requires.
          </CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <ul className="list-disc space-y-1 pl-5 text-sm">
            <li>
              You forfeit the <strong>{formatCredits(impact.available)} credits</strong> left in
              your personal wallet; they cannot be refunded or moved afterwards.
            </li>
            <li>
              You leave {impact.memberships} organization{impact.memberships === 1 ? '' : 's'};
              their wallets are not yours and stay with them.
            </li>
          </ul>
          {impact.soleOwnerOf.length > 0 ? (
            <p role="status" className="text-destructive text-sm">
              You are the only owner of {impact.soleOwnerOf.join(', ')}. Hand each one to another
              member or delete it first (in the organization’s settings).
            </p>
          ) : null}
          <DeleteAccountForm
            phrase={DELETE_ACCOUNT_PHRASE}
            blocked={impact.soleOwnerOf.length > 0}
          />
        </CardContent>
      </Card>
    </div>
  );
}

/** A settings section that lives on its own page: what it is, and the way there. */
function LinkCard({
  title,
  description,
  href,
  icon: Icon,
  label,
}: {
  title: string;
  description: string;
  href: string;
  icon: LucideIcon;
  label: string;
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>
        <Button asChild variant="outline">
          <Link href={href}>
            <Icon aria-hidden="true" />
            {label}
          </Link>
        </Button>
      </CardContent>
    </Card>
  );
}
