#!/usr/bin/env node
/**
 * `npm run size` (after `next build`): the First Load JS of app routes, the figure `next build`
 * printed before Turbopack builds stopped showing it. For each route it adds up, gzip-compressed,
 * every JavaScript file the route's HTML loads up front:
 *
 * - the app's root main files (framework, router, Turbopack runtime) from build-manifest.json;
 * - every client chunk of the route's segments (root layout, group layouts, error boundaries and
 *   the page itself) from the page's client reference manifest (`entryJSFiles`).
 *
 * Not counted, because a modern browser does not fetch them for the page: the polyfills (a
 * `nomodule` script), the not-found and global-error boundaries' own chunks (loaded only when
 * they render), and chunks loaded later through `import()` / `next/dynamic`. The same set as the
 * `<script>` tags of the served HTML, checked against a running `next start`.
 * Usage: node scripts/first-load-js.mjs [/route …] [--json] [--max-kb=200]
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import vm from 'node:vm';

const DEFAULT_ROUTES = ['/credits', '/dashboard', '/ai', '/tokens'];
const root = process.cwd();
const dist = path.join(root, '.next');

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const maxArg = args.find((arg) => arg.startsWith('--max-kb='));
const maxKb = maxArg ? Number(maxArg.slice('--max-kb='.length)) : null;
const routes = args.filter((arg) => arg.startsWith('/'));

function fail(message) {
  console.error(message);
  process.exit(1);
}

function readJson(file) {
  return JSON.parse(readFileSync(path.join(dist, file), 'utf8'));
}

if (!existsSync(path.join(dist, 'BUILD_ID'))) {
  fail('No production build in .next/. Run `npx next build` first.');
}

const buildManifest = readJson('build-manifest.json');
const appRoutes = readJson('app-path-routes-manifest.json'); // "/(group)/x/page" → "/x"

/** The page entry ("/(dashboard)/credits/page") that serves a URL path ("/credits"). */
function pageEntryFor(route) {
  const match = Object.entries(appRoutes).find(
    ([entry, url]) => url === route && entry.endsWith('/page'),
  );
  if (!match) fail(`No app page serves ${route}. Known pages: ${pagesList()}`);
  return match[0];
}

function pagesList() {
  return Object.entries(appRoutes)
    .filter(([entry]) => entry.endsWith('/page'))
    .map(([, url]) => url)
    .join(', ');
}

/** Loads a client reference manifest (a script that assigns globalThis.__RSC_MANIFEST[entry]). */
function clientManifest(entry) {
  const file = path.join(dist, 'server', 'app', `${entry}_client-reference-manifest.js`);
  if (!existsSync(file)) fail(`Missing ${path.relative(root, file)}: is the build complete?`);
  const sandbox = { globalThis: {} };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file });
  const manifest = sandbox.__RSC_MANIFEST?.[entry];
  if (!manifest?.entryJSFiles) fail(`Unexpected manifest format in ${path.relative(root, file)}`);
  return manifest;
}

const gzipCache = new Map();
function gzipSize(file) {
  if (!gzipCache.has(file)) {
    const bytes = readFileSync(path.join(dist, file.replace(/^\/?_next\//, '')));
    gzipCache.set(file, { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return gzipCache.get(file);
}

function measure(route) {
  const entry = pageEntryFor(route);
  const manifest = clientManifest(entry);
  const files = new Set(buildManifest.rootMainFiles ?? []);
  for (const [segment, chunks] of Object.entries(manifest.entryJSFiles)) {
    if (/\/(not-found|global-error)$/.test(segment)) continue;
    for (const chunk of chunks) if (chunk.endsWith('.js')) files.add(chunk);
  }
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const size = gzipSize(file);
    raw += size.raw;
    gzip += size.gzip;
  }
  return { route, entry, files: files.size, rawBytes: raw, gzipBytes: gzip };
}

const kb = (bytes) => (bytes / 1000).toFixed(1);
const results = (routes.length ? routes : DEFAULT_ROUTES).map(measure);

if (asJson) {
  console.log(JSON.stringify(results, null, 2));
} else {
  for (const result of results) {
    console.log(
      `Route ${result.route} First Load JS: ${kb(result.gzipBytes)} kB (gzip)` +
        `  [${result.files} files, ${kb(result.rawBytes)} kB raw]`,
    );
  }
}

if (maxKb !== null) {
  const over = results.filter((result) => result.gzipBytes / 1000 > maxKb);
  if (over.length) {
    fail(`Over the ${maxKb} kB budget: ${over.map((result) => result.route).join(', ')}`);
  }
}
