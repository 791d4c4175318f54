import { permanentRedirect } from 'next/navigation';

/** The Allowances page was called Tokens: old links and bookmarks land on /allowances. */
export default async function TokensPage({
  searchParams,
}: {
  searchParams: Promise<{ org?: string }>;
}) {
  const { org } = await searchParams;
  permanentRedirect(org ? `/allowances?org=${encodeURIComponent(org)}` : '/allowances');
}
