import type { OrgRole } from '@/lib/orgs';
import { Badge, type BadgeProps } from '@/components/ui/badge';

const ROLE_BADGES: Record<OrgRole, { label: string; variant: BadgeProps['variant'] }> = {
  owner: { label: 'Owner', variant: 'default' },
  admin: { label: 'Admin', variant: 'info' },
  member: { label: 'Member', variant: 'outline' },
};

/** The viewer's role in an organization, as a badge. */
export function RoleBadge({ role, className }: { role: OrgRole; className?: string }) {
  const badge = ROLE_BADGES[role];
  return (
    <Badge variant={badge.variant} className={className}>
      {badge.label}
    </Badge>
  );
}
