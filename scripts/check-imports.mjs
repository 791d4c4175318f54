#!/usr/bin/env node
/**
 * The import rule of lib/, checked on every `npm run lint`. Layers, bottom to top:
 *
 *   0  lib/env.ts, lib/utils.ts        what every layer reads
 *   1  lib/db                          the two doors to Postgres, the migration runner
 *   2  lib/core                        AppError, parseInput, Subject, runAs, one()
 *   3  lib/<domain>                    credits, plans, gateway, ai, jobs, … (one index.ts each)
 *   4  lib/api                         route/action wrappers, problem+json, cron, browser client
 *   5  app/, components/, proxy.ts
 *
 * Fails on: a module importing a higher layer (`layer`); two domains that import each other,
 * directly or through others (`cycle`); one lib folder reaching into another's files instead of
 * its index.ts (`deep-import`). Browser code (app/, components/, or a lib module without
 * `import 'server-only'`) may import a domain's browser-safe module directly, since every
 * index.ts is server code. Browser-safe code (a lib module without server-only, a 'use client'
 * component) must not import server code at all (`server-only`): Next.js fails the build on it.
 *
 * Usage: node scripts/check-imports.mjs [root]   (exit 1 and one line per violation)
 */
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const BASE_FILES = new Set(['lib/env.ts', 'lib/utils.ts']);
const LAYER_NAMES = ['base', 'db', 'core', 'domain', 'api', 'app'];

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const posix = (path) => path.split(sep).join('/');

/** Where a repository-relative file sits: its unit (lib folder, or a layer name) and layer. */
export function classify(file) {
  if (BASE_FILES.has(file)) return { unit: file, layer: 0, folder: false };
  const lib = /^lib\/([^/]+)\/(.+)$/.exec(file);
  if (lib) {
    const [, name, rest] = lib;
    const layer = name === 'db' ? 1 : name === 'core' ? 2 : name === 'api' ? 4 : 3;
    return { unit: `lib/${name}`, layer, folder: true, rest };
  }
  if (file.startsWith('lib/')) return { unit: file, layer: 3, folder: false };
  if (file.startsWith('app/') || file.startsWith('components/') || file === 'proxy.ts') {
    return { unit: 'app', layer: 5, folder: false };
  }
  return null;
}

/** Every import, re-export and dynamic import of a source text, with its line (and `import type`). */
export function importsOf(text) {
  const found = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index + match[0].lastIndexOf(match[1]);
      const typeOnly = /^(import|export)\s+type\s/.test(match[0]);
      found.push({ spec: match[1], line: text.slice(0, at).split('\n').length, typeOnly });
    }
  }
  return found;
}

function resolveFile(root, fromFile, spec) {
  let base;
  if (spec.startsWith('@/')) base = join(root, spec.slice(2));
  else if (spec.startsWith('.')) base = resolve(dirname(join(root, fromFile)), spec);
  else return null;
  const candidates = [
    base,
    ...['.ts', '.tsx', '.mjs', '.js'].map((ext) => base + ext),
    ...['index.ts', 'index.tsx'].map((index) => join(base, index)),
  ];
  const hit = candidates.find((path) => existsSync(path) && statSync(path).isFile());
  return hit ? posix(relative(root, hit)) : null;
}

const serverOnly = (root, file) =>
  /^\s*import\s+['"]server-only['"]/m.test(readFileSync(join(root, file), 'utf8'));

/** Code that may reach the browser: a client component, or a lib module without server-only. */
const browserSafe = (root, file, where) =>
  where.layer === 5
    ? /^\s*['"]use client['"]/.test(readFileSync(join(root, file), 'utf8'))
    : !serverOnly(root, file);

/** Checks the tree under `root`; returns the violations, each `{ file, line, rule, message }`. */
export function checkImports(root) {
  const files = ['lib', 'app', 'components']
    .flatMap((dir) => walk(join(root, dir)))
    .concat(existsSync(join(root, 'proxy.ts')) ? [join(root, 'proxy.ts')] : [])
    .map((path) => posix(relative(root, path)));
  const violations = [];
  const edges = new Map(); // domain unit → Map(target unit → first import site)

  for (const file of files) {
    const from = classify(file);
    if (!from) continue;
    const text = readFileSync(join(root, file), 'utf8');
    for (const { spec, line, typeOnly } of importsOf(text)) {
      const target = resolveFile(root, file, spec);
      if (!target) continue;
      const to = classify(target);
      if (!to || to.unit === from.unit) continue;
      const at = { file, line };
      if (to.layer > from.layer) {
        violations.push({
          ...at,
          rule: 'layer',
          message: `${from.unit} (${LAYER_NAMES[from.layer]}) imports ${target} (${LAYER_NAMES[to.layer]}), a higher layer`,
        });
      }
      const isIndex = to.rest === 'index.ts' || to.rest === 'index.tsx';
      if (to.folder && !isIndex) {
        // Browser code cannot load a domain's index (server code): it may import a browser-safe
        // module (one without `import 'server-only'`) of the domain directly.
        const browserCode = from.layer === 5 || !serverOnly(root, file);
        if (!(browserCode && !serverOnly(root, target))) {
          violations.push({
            ...at,
            rule: 'deep-import',
            message: `imports ${target}; import '@/${to.unit}' (its index.ts) instead`,
          });
        }
      }
      if (!typeOnly && browserSafe(root, file, from) && serverOnly(root, target)) {
        violations.push({
          ...at,
          rule: 'server-only',
          message: `browser-safe module imports ${target}, which is server code; import a browser-safe file instead`,
        });
      }
      if (from.layer === 3 && to.layer === 3) {
        if (!edges.has(from.unit)) edges.set(from.unit, new Map());
        const out = edges.get(from.unit);
        if (!out.has(to.unit)) out.set(to.unit, at);
      }
    }
  }

  for (const component of cycles(edges)) {
    const members = new Set(component);
    for (const unit of component) {
      for (const [target, at] of edges.get(unit) ?? []) {
        if (!members.has(target)) continue;
        violations.push({
          ...at,
          rule: 'cycle',
          message: `${unit} imports ${target}, and ${target} leads back to ${unit} (cycle: ${component.join(' ↔ ')})`,
        });
      }
    }
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Strongly connected components with more than one domain (Tarjan). */
function cycles(edges) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const result = [];
  let counter = 0;
  const visit = (unit) => {
    index.set(unit, counter);
    low.set(unit, counter++);
    stack.push(unit);
    onStack.add(unit);
    for (const target of edges.get(unit)?.keys() ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(unit, Math.min(low.get(unit), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(unit, Math.min(low.get(unit), index.get(target)));
      }
    }
    if (low.get(unit) === index.get(unit)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== unit);
      if (component.length > 1) result.push(component.sort());
    }
  };
  for (const unit of [...edges.keys()].sort()) if (!index.has(unit)) visit(unit);
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? '.');
  const violations = checkImports(root);
  for (const v of violations) console.error(`${v.file}:${v.line}  ${v.rule}  ${v.message}`);
  if (violations.length > 0) {
    console.error(`\ncheck-imports: ${violations.length} import(s) break the layer rule`);
    process.exit(1);
  }
  console.log('check-imports: lib layers and domain boundaries hold');
}
