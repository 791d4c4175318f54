import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type postgres from 'postgres';
import { applyShimIfNeeded, SHIM_DIR } from '../../lib/db/migrate';

/**
 * The live schema, read back from the catalog as sorted lines: every function (its whole
 * definition, whitespace collapsed), table and column, constraint, index, policy, trigger,
 * privilege, comment, and the rows the schema itself inserts. Two databases with the same lines
 * are the same schema; a diff of the lines says what differs, object by object.
 */

const SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tollgate_meta')
  and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`;

const squash = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();
/** Privileges in a stable order: `{b=X/o,a=X/o}` and `{a=X/o,b=X/o}` grant the same. */
const acl = (text: string | null) =>
  text ? `{${text.slice(1, -1).split(',').sort().join(',')}}` : '';

export async function catalogDump(sql: postgres.Sql): Promise<string[]> {
  const lines: string[] = [];
  const add = (kind: string, name: string, ...parts: unknown[]) =>
    lines.push([kind, name, ...parts.map((part) => squash(String(part ?? '')))].join(' | '));

  for (const row of await sql.unsafe(`
    select n.nspname, n.nspacl::text as acl, obj_description(n.oid, 'pg_namespace') as comment
    from pg_namespace n where ${SCHEMAS}`))
    add('schema', row.nspname, acl(row.acl), row.comment);

  for (const row of await sql.unsafe(`
    select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as name,
           pg_get_functiondef(p.oid) as def, p.proacl::text as acl,
           obj_description(p.oid, 'pg_proc') as comment
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where ${SCHEMAS} and p.prokind in ('f', 'p')`))
    add('function', row.name, row.def, acl(row.acl), row.comment);

  for (const row of await sql.unsafe(`
    select n.nspname || '.' || c.relname as name, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
           c.reloptions::text as options, c.relacl::text as acl,
           obj_description(c.oid, 'pg_class') as comment,
           case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid) end as view
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where ${SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`))
    add(
      'relation',
      row.name,
      row.relkind,
      row.relrowsecurity,
      row.relforcerowsecurity,
      row.options,
      acl(row.acl),
      row.comment,
      row.view,
    );

  for (const row of await sql.unsafe(`
    select n.nspname || '.' || c.relname || '.' || a.attname as name, a.attnum,
           format_type(a.atttypid, a.atttypmod) as type, a.attnotnull,
           pg_get_expr(d.adbin, d.adrelid) as default, a.attidentity, a.attgenerated,
           a.attacl::text as acl, col_description(c.oid, a.attnum) as comment
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where ${SCHEMAS} and c.relkind in ('r', 'p', 'v', 'm', 'f') and a.attnum > 0
      and not a.attisdropped`))
    add(
      'column',
      row.name,
      row.attnum,
      row.type,
      row.attnotnull,
      row.default,
      row.attidentity,
      row.attgenerated,
      acl(row.acl),
      row.comment,
    );

  for (const row of await sql.unsafe(`
    select n.nspname || '.' || c.relname || '.' || k.conname as name, k.contype,
           pg_get_constraintdef(k.oid) as def
    from pg_constraint k join pg_class c on c.oid = k.conrelid
    join pg_namespace n on n.oid = c.relnamespace where ${SCHEMAS}`))
    add('constraint', row.name, row.contype, row.def);

  for (const row of await sql.unsafe(`
    select n.nspname || '.' || i.relname as name, pg_get_indexdef(i.oid) as def
    from pg_index x join pg_class i on i.oid = x.indexrelid
    join pg_namespace n on n.oid = i.relnamespace where ${SCHEMAS}`))
    add('index', row.name, row.def);

  for (const row of await sql.unsafe(`
    select schemaname || '.' || tablename || '.' || policyname as name, permissive,
           roles::text as roles, cmd, qual, with_check
    from pg_policies where schemaname not in ('pg_catalog', 'information_schema')`))
    add('policy', row.name, row.permissive, row.roles, row.cmd, row.qual, row.with_check);

  for (const row of await sql.unsafe(`
    select n.nspname || '.' || c.relname || '.' || t.tgname as name, pg_get_triggerdef(t.oid) as def,
           t.tgenabled
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    join pg_namespace n on n.oid = c.relnamespace where ${SCHEMAS} and not t.tgisinternal`))
    add('trigger', row.name, row.def, row.tgenabled);

  for (const row of await sql.unsafe(`
    select n.nspname || '.' || t.typname as name, t.typtype,
           (select string_agg(e.enumlabel, ',' order by e.enumsortorder)
              from pg_enum e where e.enumtypid = t.oid) as labels,
           t.typacl::text as acl
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where ${SCHEMAS} and t.typtype in ('e', 'd')`))
    add('type', row.name, row.typtype, row.labels, acl(row.acl));

  for (const row of await sql.unsafe(`
    select coalesce(n.nspname, '*') || ':' || d.defaclobjtype::text as name, d.defaclacl::text as acl
    from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace`))
    add('default privileges', row.name, acl(row.acl));

  for (const row of await sql.unsafe(`
    select e.extname as name, n.nspname from pg_extension e
    join pg_namespace n on n.oid = e.extnamespace`))
    add('extension', row.name, row.nspname);

  // The rows the schema inserts itself (system accounts, plans, catalog, packages …), with
  // columns filled by the clock or at random left out.
  const tables = await sql.unsafe(`
    select n.nspname, c.relname,
           array_agg(quote_ident(a.attname) order by a.attnum) filter (
             where format_type(a.atttypid, a.atttypmod) not like 'timestamp%'
               and coalesce(pg_get_expr(d.adbin, d.adrelid), '') not like '%gen_random_uuid%'
           ) as columns
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where ${SCHEMAS} and n.nspname in ('public', 'private') and c.relkind in ('r', 'p')
    group by n.nspname, c.relname`);
  for (const table of tables) {
    const columns = (table.columns as string[] | null) ?? [];
    const target = `${table.nspname}.${table.relname}`;
    const projection = columns.length ? columns.join(', ') : 'null';
    const [row] = await sql.unsafe(`
      select count(*)::int as count,
             md5(coalesce(string_agg(r::text, E'\\n' order by r::text), '')) as digest
      from (select ${projection} from ${target}) r`);
    add('rows', target, row!.count, row!.digest);
  }

  return lines.sort();
}

/** The declarative schema files in the order `supabase/config.toml` lists them. */
export async function schemaFiles(root = process.cwd()): Promise<string[]> {
  const config = await readFile(path.join(root, 'supabase', 'config.toml'), 'utf8');
  const list = /schema_paths\s*=\s*\[([^\]]*)\]/.exec(config)?.[1];
  if (!list) throw new Error('supabase/config.toml has no [db.migrations] schema_paths');
  return [...list.matchAll(/"([^"]+)"/g)].map((match) =>
    path.join(root, 'supabase', match[1]!.replace(/^\.\//, '')),
  );
}

/** Builds a database from the shim and the schema files alone (no migrations). */
export async function applySchemas(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await applyShimIfNeeded(tx, SHIM_DIR);
    for (const file of await schemaFiles()) {
      try {
        await tx.unsafe(await readFile(file, 'utf8'));
      } catch (error) {
        throw new Error(`${path.basename(file)}: ${(error as Error).message}`, { cause: error });
      }
    }
  });
}
