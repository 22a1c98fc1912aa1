// Node module hooks for plugin modules, registered once by load-plugin-modules.ts before the first plugin import.
// Plain JavaScript: Node loads hook modules on its own thread, before any TypeScript loader applies to them.
//
// A plugin file may live anywhere, not only inside a project that has tandem installed:
// - a bare import ('zod', 'tandem/plugin') that cannot be resolved from the plugin's own folder is resolved from
//   tandem's, so a plugin uses the same zod instance and tandem's own plugin API;
// - a `.ts` or `.js` file that no package.json declares a module type for is an ES module (a plugin exports its
//   definition with `export default`; `.cts`/`.cjs` stay CommonJS). Node would take it for CommonJS and fail with
//   "Cannot require() ES Module … in a cycle", hiding the plugin's real error.
import { readFileSync } from 'node:fs';

/** tandem's package root, as a file: URL ending in '/'. */
let tandemRoot;

export function initialize(data) {
  tandemRoot = data.tandemRoot;
}

export async function resolve(specifier, context, nextResolve) {
  let resolved;
  try {
    resolved = await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !isBare(specifier) || context.parentURL?.startsWith(tandemRoot)) throw error;
    resolved = await nextResolve(specifier, { ...context, parentURL: new URL('package.json', tandemRoot).href });
  }
  if (resolved.format === 'commonjs' && /\.[jt]sx?$/.test(resolved.url) && !resolved.url.includes('/node_modules/') && !declaresType(resolved.url)) {
    return { ...resolved, format: 'module' };
  }
  return resolved;
}

function isBare(specifier) {
  return !/^(\.{1,2}\/|\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
}

/** Whether the nearest package.json above a file says "type" (then Node's choice stands). */
function declaresType(url) {
  for (let dir = new URL('.', url); ; dir = new URL('..', dir)) {
    let text;
    try {
      text = readFileSync(new URL('package.json', dir), 'utf8');
    } catch {
      if (dir.pathname === '/') return false;
      continue;
    }
    try {
      return JSON.parse(text).type !== undefined;
    } catch {
      return false; // Node reports a malformed package.json itself
    }
  }
}
