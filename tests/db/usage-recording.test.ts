import { beforeAll, describe, expect, it } from 'vitest';
import { recordUsage, type UsageEventInput } from '../../lib/usage';
import { as, claimsFor, createUser, type TestUser } from '../helpers/fixtures';
import { DAY, failure, writtenRows } from '../helpers/plans';

/** Recording usage: idempotent by request id, bad input refused with nothing written, service only. */

let solo: TestUser;

beforeAll(async () => {
  solo = await createUser('Recorder');
});

describe('recording', () => {
  it('is idempotent by request id', async () => {
    await recordUsage({
      subject: { kind: 'user', id: solo.id },
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'chat',
      inputTokens: 10,
      requestId: 'req-1',
    });
    const before = await writtenRows();
    const again = await recordUsage({
      subject: { kind: 'user', id: solo.id },
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'chat',
      inputTokens: 999_999,
      requestId: 'req-1',
    });
    expect(again.replayed).toBe(true);
    expect(await writtenRows()).toEqual(before);
  });

  it('rejects bad input (422) and writes nothing; users cannot record usage themselves', async () => {
    const before = await writtenRows();
    const base = {
      subject: { kind: 'user' as const, id: solo.id },
      provider: 'openai',
      model: 'gpt-4o',
      operation: 'chat' as const,
    };
    const bad = [
      { ...base, inputTokens: -1 },
      { ...base, operation: 'dance' },
      { ...base, provider: 'Open AI' },
      { ...base, model: '' },
      { ...base, latencyMs: 1.5 },
      { ...base, providerCostMicroUsd: 0.5 },
      { ...base, subject: { kind: 'team', id: solo.id } },
      { ...base, occurredAt: new Date(Date.now() + DAY) },
      { ...base, occurredAt: new Date(Date.now() - 200 * DAY) },
    ];
    for (const input of bad) {
      await expect(
        recordUsage(input as UsageEventInput),
        JSON.stringify(input),
      ).rejects.toMatchObject({ status: 422 });
    }
    const direct = await failure(() =>
      as(
        'authenticated',
        claimsFor(solo.id),
        (tx) => tx`
        select * from public.usage_record('user', ${solo.id}, ${solo.id}, 'platform', 'openai', 'gpt-4o', 'chat', 'x', 1)`,
      ),
    );
    expect(direct.code).toBe('42501');
    expect(await writtenRows()).toEqual(before);
  });
});
