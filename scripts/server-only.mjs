/**
 * `node --import ./scripts/server-only.mjs`: lets a plain Node process (the worker) load server
 * modules. They import 'server-only', which throws outside React's server condition; running
 * under that condition instead (--conditions=react-server) would take react-dom/server away,
 * which the worker needs to render React Email templates. This maps the marker to nothing.
 */
import { register } from 'node:module';

const hooks = `
export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: 'data:text/javascript,export {}', shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
