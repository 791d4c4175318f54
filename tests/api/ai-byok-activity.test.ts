import { beforeAll, describe, expect, it } from 'vitest';
import { listByokActivity } from '@/lib/gateway';
import { recordUsage } from '../../lib/usage';
import { createUser, type TestUser } from '../helpers/fixtures';

/** The "last used" column of /settings provider keys: BYOK events only, under the caller's RLS. */

let owner: TestUser, stranger: TestUser;

beforeAll(async () => {
  owner = await createUser('Key Owner');
  stranger = await createUser('Key Stranger');
  const subject = { kind: 'user' as const, id: owner.id };
  const base = { subject, provider: 'openai', model: 'gpt-4o', operation: 'chat' as const };
  await recordUsage({ ...base, source: 'byok', occurredAt: new Date(Date.now() - 60_000) });
  await recordUsage({ ...base, source: 'byok', requestId: 'byok-2' });
  await recordUsage({ ...base, source: 'platform', provider: 'anthropic', model: 'claude' });
});

describe('listByokActivity', () => {
  it('the last BYOK call and this month’s count per provider', async () => {
    const activity = await listByokActivity(owner.session, { kind: 'user', id: owner.id });
    expect(activity).toHaveLength(1);
    expect(activity[0]).toMatchObject({ provider: 'openai', callsThisMonth: 2n });
    expect(Date.now() - activity[0]!.lastUsedAt.getTime()).toBeLessThan(30_000);
  });

  it('another user sees nothing of it', async () => {
    expect(await listByokActivity(stranger.session, { kind: 'user', id: owner.id })).toEqual([]);
  });
});
