'use client';

import { useId } from 'react';
import { X } from 'lucide-react';
import { CATEGORIES, TRANSFER_KINDS } from '@/lib/credits/kinds';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';
import { CATEGORY_LABELS, KIND_LABELS } from './labels';
import type { Category, HistoryQuery, TransferKind } from './queries';

/** What the filter form holds: '' means "any"; dates are the inputs' YYYY-MM-DD values. */
export interface HistoryFilterValues {
  type: TransferKind | '';
  category: Category | '';
  from: string;
  to: string;
}

export const NO_FILTERS: HistoryFilterValues = { type: '', category: '', from: '', to: '' };

export function hasFilters(values: HistoryFilterValues): boolean {
  return Object.values(values).some((value) => value !== '');
}

/** A date input's day as the instant it starts in the reader's time zone. */
function startOfLocalDay(day: string, addDays = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The API query for the form, or an error to show when the range is impossible. */
export function toHistoryQuery(
  values: HistoryFilterValues,
): { query: HistoryQuery; error?: undefined } | { query?: undefined; error: string } {
  if (values.from && values.to && values.from > values.to) {
    return { error: 'The “From” date must be on or before the “To” date.' };
  }
  const query: HistoryQuery = {};
  if (values.type) query.type = values.type;
  if (values.category) query.category = values.category;
  const from = values.from ? startOfLocalDay(values.from) : undefined;
  // "To" is inclusive for people; the API's `to` is exclusive, so send the next day's start.
  const to = values.to ? startOfLocalDay(values.to, 1) : undefined;
  if (from) query.from = from;
  if (to) query.to = to;
  return { query };
}

export function HistoryFilters({
  values,
  onChange,
  error,
}: {
  values: HistoryFilterValues;
  onChange: (values: HistoryFilterValues) => void;
  error?: string;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  const set = <K extends keyof HistoryFilterValues>(key: K, value: HistoryFilterValues[K]) =>
    onChange({ ...values, [key]: value });

  return (
    <div className="flex flex-col gap-2">
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-[repeat(4,minmax(0,1fr))_auto] lg:items-end">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-type`}>Type</Label>
          <Select
            id={`${id}-type`}
            value={values.type}
            onChange={(event) =>
              set('type', TRANSFER_KINDS.find((kind) => kind === event.target.value) ?? '')
            }
          >
            <option value="">All types</option>
            {TRANSFER_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {KIND_LABELS[kind]}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-category`}>Category</Label>
          <Select
            id={`${id}-category`}
            value={values.category}
            onChange={(event) =>
              set('category', CATEGORIES.find((category) => category === event.target.value) ?? '')
            }
          >
            <option value="">All categories</option>
            {CATEGORIES.map((category) => (
              <option key={category} value={category}>
                {CATEGORY_LABELS[category]}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-from`}>From</Label>
          <Input
            id={`${id}-from`}
            type="date"
            value={values.from}
            max={values.to || undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => set('from', event.target.value)}
          />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={`${id}-to`}>To</Label>
          <Input
            id={`${id}-to`}
            type="date"
            value={values.to}
            min={values.from || undefined}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => set('to', event.target.value)}
          />
        </div>
        {hasFilters(values) ? (
          <Button
            variant="ghost"
            className="col-span-2 justify-self-start lg:col-span-1"
            onClick={() => onChange(NO_FILTERS)}
          >
            <X aria-hidden="true" />
            Clear filters
          </Button>
        ) : null}
      </div>
      {error ? (
        <p id={errorId} className="text-destructive text-sm" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
