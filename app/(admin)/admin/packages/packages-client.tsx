'use client';

import { useState } from 'react';
import { Pencil, Plus } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table';
import { PackageForm } from './package-form';
import { emptyPackage, type PackageFormValues } from './package-form-schema';

export interface PackageRowView {
  id: string;
  price: string;
  synced: boolean;
  values: PackageFormValues;
}

/** The package list and one editor, for a new package or the one picked from the list. */
export function PackagesClient({ rows }: { rows: PackageRowView[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  const current = rows.find((row) => row.id === editing);

  return (
    <div className="flex flex-col gap-6">
      <Card>
        <CardHeader className="flex-row items-center justify-between gap-2">
          <CardTitle as="h2">Packages</CardTitle>
          <Button size="sm" variant="outline" onClick={() => setEditing(null)}>
            <Plus aria-hidden="true" />
            New package
          </Button>
        </CardHeader>
        <CardContent className="sm:overflow-x-auto">
          <Table stack data-testid="admin-packages">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead className="text-right">Credits</TableHead>
                <TableHead className="text-right">Price</TableHead>
                <TableHead className="hidden sm:table-cell">Status</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.id} aria-selected={row.id === editing}>
                  <TableCell>
                    <span className="font-medium">{row.values.name}</span>{' '}
                    <span className="text-muted-foreground text-xs">{row.values.slug}</span>
                  </TableCell>
                  <TableCell data-label="Credits" className="text-right tabular-nums">
                    {row.values.credits}
                    {row.values.bonusCredits !== '0' ? ` + ${row.values.bonusCredits}` : ''}
                  </TableCell>
                  <TableCell data-label="Price" className="text-right tabular-nums">
                    {row.price}
                  </TableCell>
                  <TableCell data-label="Status" className="hidden sm:table-cell">
                    <div className="flex flex-wrap gap-1">
                      <Badge variant={row.values.active ? 'success' : 'outline'}>
                        {row.values.active ? 'Active' : 'Hidden'}
                      </Badge>
                      {row.synced ? null : <Badge variant="warning">Not synced</Badge>}
                    </div>
                  </TableCell>
                  <TableCell className="text-right">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setEditing(row.id)}
                      aria-label={`Edit ${row.values.name}`}
                    >
                      <Pencil aria-hidden="true" />
                      <span className="hidden sm:inline">Edit</span>
                    </Button>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle as="h2">{current ? `Edit ${current.values.name}` : 'New package'}</CardTitle>
        </CardHeader>
        <CardContent>
          <PackageForm
            key={current?.id ?? 'new'}
            packageId={current?.id ?? null}
            initial={current?.values ?? emptyPackage}
            onSaved={(id) => setEditing(id)}
          />
        </CardContent>
      </Card>
    </div>
  );
}
