import { beforeAll, describe, expect, it } from 'vitest';
import { GET as exportPersonal } from '../../app/api/credits/history/export/route';
import { GET as exportOrg } from '../../app/api/orgs/[orgId]/credits/history/export/route';
import { creditsDecimal } from '../../lib/exports';
import {
  claimsFor,
  createOrg,
  createUser,
  db,
  request,
  routeParams,
  type TestUser,
} from '../helpers/fixtures';
import { allowTestClock, CREDIT, grant, walletOf } from '../helpers/ledger';

const HEADER =
  'id,created_at,type,category,direction,amount_credits,amount_micro_credits,description,counterparty,hold_id,refund_of,activity,feature';
const SPENDS = 510; // more than one 500-row export page

let owner: TestUser, member: TestUser, stranger: TestUser;
let org: { id: string };

/** A small RFC 4180 reader: enough to check quoting round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  return rows;
}

beforeAll(async () => {
  owner = await createUser('Owner');
  member = await createUser('Member');
  stranger = await createUser('Stranger');
  org = await createOrg(owner, [{ user: member, role: 'member' }]);
  const personal = await walletOf({ userId: owner.id });
  await grant(personal, 100n * CREDIT);
  await grant(await walletOf({ orgId: org.id }), 20n * CREDIT);
  // One spend per second of a past hour (the test clock), the way real traffic spreads out.
  await allowTestClock();
  const claims = JSON.stringify(claimsFor(owner.id, owner.email));
  await db().unsafe(`
    do $$
    begin
      perform set_config('request.jwt.claims', '${claims}', true);
      for g in 1..${SPENDS} loop
        perform set_config('tollgate.clock',
          (date_trunc('second', now()) - interval '1 hour' + g * interval '1 second')::text, true);
        perform public.credit_spend('${personal}'::uuid, (1000 + g)::bigint,
          case when g % 5 = 0 then 'marketplace' else 'ai_usage' end, 'bulk-' || g,
          case when g = 1 then '=HYPERLINK("http://evil")' else 'Call, "quoted" ' || g end);
      end loop;
    end
    $$`);
});

describe('GET /api/credits/history/export', () => {
  it('streams every transaction as CSV across export pages, with download headers', async () => {
    const response = await exportPersonal(
      await request('/api/credits/history/export', { user: owner }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="tollgate-credits-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const rows = parseCsv(await response.text());
    expect(rows[0]!.join(',')).toBe(HEADER);
    const body = rows.slice(1);
    expect(body).toHaveLength(SPENDS + 1); // the spends and the grant
    expect(new Set(body.map((row) => row[0])).size).toBe(body.length);

    for (const row of body) {
      const [credits, micro] = [row[5]!, row[6]!];
      expect(credits).toMatch(/^-?\d+\.\d{6}$/);
      expect(credits).toBe(creditsDecimal(BigInt(micro)));
    }
    const spend = body.find((row) => row[7] === 'Call, "quoted" 2')!;
    expect(spend.slice(2, 7)).toEqual(['spend', 'ai_usage', 'debit', '-0.001002', '-1002']);
    // A description a spreadsheet would execute is neutralised.
    expect(body.some((row) => row[7] === `'=HYPERLINK("http://evil")`)).toBe(true);
  });

  it('applies the same filters as the history', async () => {
    const response = await exportPersonal(
      await request('/api/credits/history/export?category=marketplace&type=spend', {
        user: owner,
      }),
    );
    const body = parseCsv(await response.text()).slice(1);
    expect(body).toHaveLength(SPENDS / 5);
    expect(body.every((row) => row[3] === 'marketplace' && row[2] === 'spend')).toBe(true);
  });

  it('422 problem+json for a bad filter, 401 without a session', async () => {
    const bad = await exportPersonal(
      await request('/api/credits/history/export?category=nope', { user: owner }),
    );
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toBe('application/problem+json');
    expect((await exportPersonal(await request('/api/credits/history/export'))).status).toBe(401);
  });

  it('creditsDecimal is exact for any amount', () => {
    expect(creditsDecimal(0n)).toBe('0.000000');
    expect(creditsDecimal(1n)).toBe('0.000001');
    expect(creditsDecimal(-12_345_678n)).toBe('-12.345678');
    expect(creditsDecimal(10n ** 15n)).toBe('1000000000.000000');
  });
});

describe('GET /api/orgs/[orgId]/credits/history/export', () => {
  const exportFor = async (user: TestUser) =>
    exportOrg(
      await request(`/api/orgs/${org.id}/credits/history/export`, { user }),
      routeParams({ orgId: org.id }),
    );

  it('members get the org wallet as CSV', async () => {
    const response = await exportFor(member);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toMatch(/tollgate-org-credits-/);
    const rows = parseCsv(await response.text());
    expect(rows).toHaveLength(2);
    expect(rows[1]!.slice(2, 7)).toEqual(['grant', 'other', 'credit', '20.000000', '20000000']);
  });

  it('404 for someone outside the org', async () => {
    const response = await exportFor(stranger);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
