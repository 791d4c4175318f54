import 'server-only';
import { featureLabel } from '@/lib/credits';
/** How a charge reads in the history: a feature run names its feature ("Forecast: GPT-4o mini"). */
export function chargeDescription(feature: string, operation: string, model: string): string {
  return feature === 'assistant' || feature === 'completions'
    ? `AI ${operation}: ${model}`
    : `${featureLabel(feature)}: ${model}`;
}
