import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { generateTypes } from '../../scripts/db-types';
import { db } from '../helpers/fixtures';

it('lib/db/types.ts is what `npm run db:types` generates from the migrated schema', async () => {
  const committed = await readFile(path.join(import.meta.dirname, '../../lib/db/types.ts'), 'utf8');
  expect(committed, 'run `npm run db:types` and commit the result').toBe(await generateTypes(db()));
});
