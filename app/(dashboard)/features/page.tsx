import { redirect } from 'next/navigation';

/** /features opens the first feature; each feature has its own URL. */
export default function FeaturesIndexPage() {
  redirect('/features/goal_generation');
}
