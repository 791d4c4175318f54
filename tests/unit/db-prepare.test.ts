import { describe, expect, it } from 'vitest';
import { usesPreparedStatements } from '../../lib/db/pool';

describe('prepared statements', () => {
  it('are on for direct connections, session poolers and the embedded database', () => {
    expect(usesPreparedStatements('postgres://u:p@127.0.0.1:54329/postgres', undefined)).toBe(true);
    expect(
      usesPreparedStatements(
        'postgresql://postgres:pw@db.abc.supabase.co:5432/postgres',
        undefined,
      ),
    ).toBe(true);
    expect(
      usesPreparedStatements(
        'postgres://u:p@aws-0-eu-west-1.pooler.supabase.com:5432/postgres',
        '',
      ),
    ).toBe(true);
  });

  it('are off on a transaction pooler, which cannot keep them between transactions', () => {
    expect(
      usesPreparedStatements(
        'postgres://u:p@aws-0-eu-west-1.pooler.supabase.com:6543/postgres',
        undefined,
      ),
    ).toBe(false);
    expect(
      usesPreparedStatements('postgres://u:p@bouncer:6432/app?pgbouncer=true', undefined),
    ).toBe(false);
  });

  it('follow DATABASE_PREPARE when it is set', () => {
    expect(usesPreparedStatements('postgres://u:p@host:5432/db', 'false')).toBe(false);
    expect(usesPreparedStatements('postgres://u:p@host:6543/db', 'true')).toBe(true);
  });
});
