import 'server-only';
import { z } from 'zod';
import { AppError, one, parseInput } from '@/lib/core';
import { parseCredits } from '@/lib/credits';
import { asService, withUser, type DbSession } from '@/lib/db';
import { isPlatformAdmin } from './guard';

/**
 * Platform admins set a user's or org's plan (comped plans, migrations) and pay-as-you-go credit
 * limits, per wallet or per plan, each with a required reason. The SQL functions check the
 * caller again and write the change and its audit row (public.admin_audit_log) in one
 * transaction.
 */

const reason = z
  .string()
  .trim()
  .min(3, 'Give a reason (at least 3 characters).')
  .max(500, 'Keep the reason under 500 characters.');

const target = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'Enter a user email or an org slug.')
  .max(254, 'That is too long for an email or slug.');

const planId = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'Choose a plan.');

/** Credits as people type them ("250", "12.5"); empty or null clears the limit. */
const creditLimit = z
  .union([z.string().max(40), z.null()])
  .transform((text, ctx): bigint | null => {
    if (text === null || text.trim() === '') return null;
    try {
      const micro = parseCredits(text);
      if (micro <= 1_000_000_000n * 1_000_000n) return micro;
    } catch {
      // reported below
    }
    ctx.addIssue({
      code: 'custom',
      message: 'Enter a limit like 250 or 12.5 credits, or leave it empty.',
    });
    return z.NEVER;
  });

const setPlanInput = z.object({ target, planId, reason });
const walletLimitInput = z.object({ target, limit: creditLimit, reason });
const planLimitInput = z.object({ planId, limit: creditLimit, reason });

interface Subject {
  kind: 'user' | 'org';
  id: string;
  walletId: string;
  label: string;
}

/** Only platform admins get past here (403), before any service read names a subject. */
async function requireAdmin(session: DbSession): Promise<void> {
  if (!(await isPlatformAdmin(session))) {
    throw new AppError('forbidden', 'Only platform admins change plans and credit limits.');
  }
}

async function resolveSubject(text: string): Promise<Subject> {
  const rows = await asService((tx) =>
    text.includes('@')
      ? tx<Subject[]>`
          select 'user' as kind, p.id, a.id as "walletId", p.email as label
          from public.profiles p join public.accounts a on a.user_id = p.id
          where lower(p.email) = ${text}`
      : tx<Subject[]>`
          select 'org' as kind, o.id, a.id as "walletId", o.slug as label
          from public.organizations o join public.accounts a on a.org_id = o.id
          where o.slug = ${text}`,
  );
  const subject = rows[0];
  if (!subject) throw new AppError('not_found', `No user or organization matches “${text}”.`);
  return subject;
}

export async function setSubjectPlan(session: DbSession, input: unknown) {
  await requireAdmin(session);
  const parsed = parseInput(setPlanInput, input);
  const subject = await resolveSubject(parsed.target);
  const row = one(
    await withUser(
      session,
      (tx) => tx<
        {
          plan_id: string;
          pending_plan_id: string | null;
          pending_at: Date | null;
          change: string;
        }[]
      >`
        select plan_id, pending_plan_id, pending_at, change
        from public.admin_set_plan(${subject.kind}, ${subject.id}, ${parsed.planId}, ${parsed.reason})`,
    ),
    'result of admin_set_plan',
  );
  return {
    target: subject.label,
    subjectKind: subject.kind,
    planId: row.plan_id,
    pendingPlanId: row.pending_plan_id,
    pendingAt: row.pending_at,
    change: row.change,
  };
}

export async function setCreditLimit(session: DbSession, input: unknown) {
  await requireAdmin(session);
  const forPlan = typeof input === 'object' && input !== null && 'planId' in input;
  const parsed = forPlan ? parseInput(planLimitInput, input) : parseInput(walletLimitInput, input);
  const limit = parsed.limit?.toString() ?? null;
  if ('planId' in parsed) {
    await withUser(
      session,
      (tx) =>
        tx`select 1 from public.plan_set_postpaid_limit(${parsed.planId}, ${limit}::bigint, ${parsed.reason})`,
    );
    return { planId: parsed.planId, limit: parsed.limit };
  }
  const subject = await resolveSubject(parsed.target);
  const row = one(
    await withUser(
      session,
      (tx) => tx<{ credit_limit: bigint; override: bigint | null; frozen: boolean }[]>`
        select credit_limit, override, frozen
        from public.admin_set_credit_limit(${subject.walletId}, ${limit}::bigint, ${parsed.reason})`,
    ),
    'result of admin_set_credit_limit',
  );
  return {
    target: subject.label,
    walletId: subject.walletId,
    limit: row.override,
    inForce: row.credit_limit,
    frozen: row.frozen,
  };
}

export interface AdminAuditEntry {
  id: bigint;
  createdAt: Date;
  action: string;
  subject: string;
  reason: string;
  detail: Record<string, unknown>;
  actor: string;
}

/** The latest admin changes, newest first (read under the admin's own RLS). */
export async function listAdminAudit(session: DbSession, limit = 25): Promise<AdminAuditEntry[]> {
  const rows = await withUser(
    session,
    (tx) => tx<
      {
        id: bigint;
        created_at: Date;
        action: string;
        subject_label: string | null;
        subject_id: string;
        reason: string;
        detail: Record<string, unknown>;
        actor: string | null;
      }[]
    >`
      select l.id, l.created_at, l.action, l.subject_label, l.subject_id, l.reason, l.detail,
             p.email as actor
      from public.admin_audit_log l left join public.profiles p on p.id = l.actor_id
      order by l.created_at desc, l.id desc
      limit ${Math.min(Math.max(limit, 1), 100)}`,
  );
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at,
    action: row.action,
    subject: row.subject_label ?? row.subject_id,
    reason: row.reason,
    detail: row.detail,
    actor: row.actor ?? 'system (seed or script)',
  }));
}

export interface PlanLine {
  id: string;
  name: string;
  postpaidCreditLimit: bigint | null;
}

/** Plans with their pay-as-you-go credit lines, for the admin form. */
export async function listPlanLines(session: DbSession): Promise<PlanLine[]> {
  const rows = await withUser(
    session,
    (tx) => tx<{ id: string; name: string; postpaid_credit_limit: bigint | null }[]>`
      select id, name, postpaid_credit_limit from public.plans where is_active order by tier`,
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    postpaidCreditLimit: row.postpaid_credit_limit,
  }));
}
