import Link from 'next/link';
import { ArrowRight, Building2, Database, Hourglass, Layers, type LucideIcon } from 'lucide-react';
import { buttonVariants } from '@/components/ui/button';
import { MarketingFooter, MarketingHeader } from '@/components/layout/marketing-chrome';

const features: { icon: LucideIcon; title: string; body: string }[] = [
  {
    icon: Database,
    title: 'Double-entry ledger in Postgres',
    body: 'Every credit moves between two accounts in one transaction, so balances always add up and every change has a line you can audit.',
  },
  {
    icon: Hourglass,
    title: 'Two-phase holds, settled by real usage',
    body: 'Reserve credits before an AI call, then settle on the tokens actually used and release the rest. No overdrafts, no guessing.',
  },
  {
    icon: Layers,
    title: 'Plans and per-feature allowances',
    body: 'Give each plan its monthly allowance per feature, and fall back to purchased credits once an allowance runs out.',
  },
  {
    icon: Building2,
    title: 'Stripe checkout and org wallets',
    body: 'Sell credit packages through Stripe Checkout, fulfilled exactly once, and let organizations share a wallet that admins manage.',
  },
];

const steps: { title: string; body: string }[] = [
  { title: 'Reserve', body: 'A hold sets aside the most a request could cost.' },
  { title: 'Call the model', body: 'The metered gateway forwards the request and counts usage.' },
  { title: 'Settle', body: 'The real cost is charged; the unused part of the hold is released.' },
];

export default function LandingPage() {
  return (
    <div className="flex min-h-dvh flex-col">
      <MarketingHeader current="home" />

      <main className="flex-1">
        <section className="from-accent/60 to-background border-b bg-gradient-to-b">
          <div className="mx-auto flex w-full max-w-6xl flex-col items-start gap-6 px-4 py-20 md:px-6 md:py-28">
            <p className="border-primary/20 bg-background text-primary rounded-full border px-3 py-1 text-xs font-medium">
              For teams shipping AI features
            </p>
            <h1 className="max-w-3xl text-4xl font-semibold tracking-tight text-balance md:text-5xl">
              Credits and metering for AI products
            </h1>
            <p className="text-muted-foreground max-w-2xl text-lg text-pretty">
              Tollgate gives your users a credit balance, lets them buy credit packages, and charges
              each AI feature for what it really used, with an auditable ledger underneath.
            </p>
            <div className="flex flex-wrap gap-3">
              <Link href="/login" className={buttonVariants({ size: 'lg' })}>
                Sign in
                <ArrowRight aria-hidden="true" />
              </Link>
              <Link href="/pricing" className={buttonVariants({ variant: 'outline', size: 'lg' })}>
                See plans and pricing
              </Link>
              <a href="#features" className={buttonVariants({ variant: 'ghost', size: 'lg' })}>
                See how it works
              </a>
            </div>
          </div>
        </section>

        <section id="features" aria-labelledby="features-heading" className="scroll-mt-4">
          <div className="mx-auto w-full max-w-6xl px-4 py-16 md:px-6 md:py-20">
            <h2 id="features-heading" className="text-2xl font-semibold tracking-tight">
              What&apos;s inside
            </h2>
            <p className="text-muted-foreground mt-2 max-w-2xl">
              The parts every usage-billed AI product ends up building, done once and done
              carefully.
            </p>
            <ul className="mt-10 grid gap-4 sm:grid-cols-2">
              {features.map(({ icon: Icon, title, body }) => (
                <li key={title} className="bg-card rounded-lg border p-6 shadow-sm">
                  <div className="bg-accent text-accent-foreground flex size-10 items-center justify-center rounded-md">
                    <Icon aria-hidden="true" className="size-5" />
                  </div>
                  <h3 className="mt-4 font-semibold">{title}</h3>
                  <p className="text-muted-foreground mt-2 text-sm leading-relaxed">{body}</p>
                </li>
              ))}
            </ul>
          </div>
        </section>

        <section aria-labelledby="flow-heading" className="bg-muted/40 border-t">
          <div className="mx-auto w-full max-w-6xl px-4 py-16 md:px-6">
            <h2 id="flow-heading" className="text-2xl font-semibold tracking-tight">
              How a metered call is charged
            </h2>
            <ol className="mt-8 grid gap-4 md:grid-cols-3">
              {steps.map((step, index) => (
                <li key={step.title} className="bg-background flex gap-4 rounded-lg border p-5">
                  <span
                    aria-hidden="true"
                    className="bg-primary text-primary-foreground flex size-8 shrink-0 items-center justify-center rounded-full text-sm font-semibold"
                  >
                    {index + 1}
                  </span>
                  <div>
                    <h3 className="font-semibold">{step.title}</h3>
                    <p className="text-muted-foreground mt-1 text-sm">{step.body}</p>
                  </div>
                </li>
              ))}
            </ol>
            <div className="mt-10">
              <Link href="/login" className={buttonVariants()}>
                Sign in to your account
              </Link>
            </div>
          </div>
        </section>
      </main>

      <MarketingFooter />
    </div>
  );
}
