/** Refuses to run journeys against anything but a throwaway local database. */
export function assertLocalDatabase(): void {
  const url = process.env.DATABASE_URL;
  if (url && !/@(127\.0\.0\.1|localhost)[:/]/.test(url)) {
    throw new Error('The e2e suite only runs against a local database; unset DATABASE_URL.');
  }
}
