import { Bot } from 'lucide-react';
import { EmptyState } from '@/components/ui/empty-state';
import { MemberUsageTable } from '@/components/orgs/member-usage-table';
import type { WalletScope } from './credits-config';
import { DimensionTable } from './dimension-table';
import type { UsageBreakdownReport } from './queries';

/**
 * The breakdown by model, feature or member once its report is here: loaded by ./breakdown-card
 * when one of those views is first chosen, since the credits page opens on the category view.
 */
export function BreakdownView({
  scope,
  report,
  periodText,
}: {
  scope: WalletScope;
  report: UsageBreakdownReport;
  /** "last 30 days" */
  periodText: string;
}) {
  if (report.view === 'member') {
    return (
      <MemberUsageTable
        period={`the ${periodText}`}
        rows={report.rows.map((row) => ({
          key: row.key,
          name: row.label,
          email: row.detail,
          spent: row.credits.toString(),
          transactions: row.events.toLocaleString('en-US'),
        }))}
      />
    );
  }
  if (report.rows.length === 0) {
    return (
      <EmptyState
        icon={Bot}
        headingLevel="h3"
        title={`No AI calls in the ${periodText}`}
        description={
          scope.type === 'personal'
            ? 'Chat with the AI assistant or run an AI feature; each call shows up here by model and feature.'
            : 'When members use AI features on the organization wallet, the calls show up here.'
        }
      />
    );
  }
  return <DimensionTable report={report} />;
}
