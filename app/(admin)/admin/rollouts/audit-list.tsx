import { LocalDate } from '@/components/credits/local-date';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';

interface AuditView {
  id: string;
  at: string;
  actor: string | null;
  what: string;
  action: string;
  after: string;
}

/** The latest changes to flags, experiments and model lists: who, when, what it became. */
export function AuditList({ entries }: { entries: AuditView[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h2">Recent changes</CardTitle>
        <CardDescription>
          Every edit is kept with who made it and what it was before.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {entries.length === 0 ? (
          <p className="text-muted-foreground text-sm">No changes yet.</p>
        ) : (
          <ul className="flex flex-col divide-y text-sm">
            {entries.map((entry) => (
              <li key={entry.id} className="flex flex-col gap-1 py-2">
                <div className="flex flex-wrap items-baseline gap-x-2">
                  <span className="font-medium break-all">{entry.what}</span>
                  <span className="text-muted-foreground">{entry.action}</span>
                  <span className="text-muted-foreground text-xs">
                    {entry.actor ?? 'system'} · <LocalDate value={new Date(entry.at)} />
                  </span>
                </div>
                <code className="text-muted-foreground text-xs break-all">{entry.after}</code>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
