import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The import rule `npm run lint` enforces (scripts/check-imports.mjs), run on small trees: each
 * rule fails on its violation, with the file and line, and a tree that keeps the rule passes.
 */

const CHECKER = join(__dirname, '../../scripts/check-imports.mjs');
const SERVER = "import 'server-only';\n";

let root: string | undefined;

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'check-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function check(dir: string): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [CHECKER, dir], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { code: 0, output };
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { code: failed.status, output: failed.stderr };
  }
}

/** A tree that keeps the rule: core at the bottom, two domains one way, the HTTP layer on top. */
const base = {
  'lib/env.ts': 'export const env = () => ({});\n',
  'lib/db/index.ts': `${SERVER}import { env } from '@/lib/env';\nexport const db = env;\n`,
  'lib/core/index.ts': `${SERVER}import { db } from '@/lib/db';\nexport const core = db;\n`,
  'lib/credits/index.ts': `${SERVER}import { core } from '@/lib/core';\nexport const spend = core;\n`,
  'lib/credits/format.ts': 'export const formatCredits = (n: number) => String(n);\n',
  'lib/alerts/index.ts': `${SERVER}import { spend } from '@/lib/credits';\nexport const alert = spend;\n`,
  'lib/api/index.ts': `${SERVER}import { alert } from '@/lib/alerts';\nexport const route = alert;\n`,
  'app/page.tsx': "import { route } from '@/lib/api';\nexport default route;\n",
  'components/amount.tsx':
    "'use client';\nimport { formatCredits } from '@/lib/credits/format';\nexport const A = formatCredits;\n",
};

describe('check-imports', () => {
  it('passes a tree that keeps the rule (browser code may import a browser-safe file)', () => {
    const result = check(tree(base));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('hold');
  });

  it('fails on two domains importing each other, naming both import sites', () => {
    const result = check(
      tree({
        ...base,
        'lib/credits/index.ts': `${SERVER}import { core } from '@/lib/core';\nimport { alert } from '@/lib/alerts';\nexport const spend = [core, alert];\n`,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('lib/credits/index.ts:3  cycle');
    expect(result.output).toContain('lib/alerts/index.ts:2  cycle');
  });

  it('fails on a longer cycle through a third domain', () => {
    const result = check(
      tree({
        ...base,
        'lib/jobs/index.ts': `${SERVER}import { alert } from '@/lib/alerts';\nexport const run = alert;\n`,
        'lib/credits/index.ts': `${SERVER}import { run } from '@/lib/jobs';\nexport const spend = run;\n`,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/cycle: lib\/alerts ↔ lib\/credits ↔ lib\/jobs/);
  });

  it('fails on a domain importing the HTTP layer, and on core importing a domain', () => {
    const result = check(
      tree({
        ...base,
        'lib/credits/index.ts': `${SERVER}import { route } from '@/lib/api';\nexport const spend = route;\n`,
        'lib/core/index.ts': `${SERVER}import { alert } from '@/lib/alerts';\nexport const core = alert;\n`,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'lib/credits/index.ts:2  layer  lib/credits (domain) imports lib/api/index.ts (api)',
    );
    expect(result.output).toContain(
      'lib/core/index.ts:2  layer  lib/core (core) imports lib/alerts/index.ts (domain)',
    );
  });

  it('fails on lib importing app/ or components/', () => {
    const result = check(
      tree({
        ...base,
        'lib/alerts/index.ts': `${SERVER}import { A } from '../../components/amount';\nexport const alert = A;\n`,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('lib/alerts/index.ts:2  layer');
  });

  it("fails on a domain reaching into another domain's file instead of its index", () => {
    const result = check(
      tree({
        ...base,
        'lib/credits/wallets.ts': `${SERVER}export const walletOf = () => null;\n`,
        'lib/alerts/index.ts': `${SERVER}import {\n  walletOf,\n} from '@/lib/credits/wallets';\nexport const alert = walletOf;\n`,
        'app/page.tsx':
          "import { walletOf } from '@/lib/credits/wallets';\nexport default walletOf;\n",
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      "lib/alerts/index.ts:4  deep-import  imports lib/credits/wallets.ts; import '@/lib/credits'",
    );
    expect(result.output).toContain('app/page.tsx:1  deep-import');
  });

  it('fails on browser-safe code importing server code, but not on a type-only import', () => {
    const result = check(
      tree({
        ...base,
        'lib/credits/format.ts':
          "import { core } from '@/lib/core';\nexport const formatCredits = (n: number) => String(n) + core;\n",
        'components/panel.tsx':
          "'use client';\nimport type { spend } from '@/lib/credits';\nimport { route } from '@/lib/api';\nexport const P = [route] as unknown as typeof spend;\n",
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('lib/credits/format.ts:1  server-only');
    expect(result.output).toContain('components/panel.tsx:3  server-only');
    expect(result.output).not.toContain('components/panel.tsx:2');
  });
});
