/**
 * Forge review rubric SEC-02: every outbound HTTPS call of the app goes through an injected fetch (Forge:
 * @forge/api's egress-checked fetch, set in createForgeDeps). This scan fails when code in src/ that runs
 * on Forge calls the global fetch itself. The packaged-bundle check is test/forge-runtime/packaged-egress.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const SRC = join(ROOT, 'src');

/** Files allowed to name the global fetch, and why. */
const ALLOWED: Record<string, string> = {
  // The single fallback when a composition root passes no fetch (local mode, tests); Forge always passes one.
  'src/app/outbound-fetch.ts': 'fallback for local mode',
  // A script the visitor's browser runs (a string served to the page), not server code.
  'src/web/diagnostics-probe.ts': 'browser script',
};
/** Never bundled for Forge: the local host and its emulators; the UI Kit frontend runs in the browser. */
const OFF_FORGE = ['src/dev/', 'src/frontend/'];

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });

/** Code without comments (block and line), so prose naming fetch does not count. */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

/** A call or a reference of the global fetch: `fetch(`, `globalThis.fetch`, `window.fetch`, `= fetch;`, `(fetch)`. */
const GLOBAL_FETCH = /(?<![\w.$'"`])fetch\s*\(|\b(?:globalThis|window|global|self)\s*\.\s*fetch\b|[=(,:?|&]\s*fetch\s*(?:[;),}\]]|$)/;

export const globalFetchUses = (text: string): string[] =>
  withoutComments(text)
    .split('\n')
    .filter((line) => GLOBAL_FETCH.test(line))
    .map((line) => line.trim());

describe('outbound calls on Forge go through the injected fetch', () => {
  it('finds no global fetch in src/ outside the local host, the browser and the one fallback', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const path = relative(ROOT, file).split('\\').join('/');
      if (OFF_FORGE.some((prefix) => path.startsWith(prefix)) || path in ALLOWED) continue;
      for (const line of globalFetchUses(readFileSync(file, 'utf8'))) offenders.push(`${path}: ${line}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the scan recognises the ways code reaches the global fetch, and leaves injected ones alone', () => {
    expect(globalFetchUses('const r = await fetch(url);')).toHaveLength(1);
    expect(globalFetchUses('const f = globalThis.fetch;')).toHaveLength(1);
    expect(globalFetchUses('fetch: deps.fetch ?? fetch,')).toHaveLength(1);
    expect(globalFetchUses('fetch: deps.fetch,')).toHaveLength(0);
    expect(globalFetchUses('const env = { fetch: fetch };')).toHaveLength(1);
    expect(globalFetchUses('use(fetch)')).toHaveLength(1);
    expect(globalFetchUses('await env.fetch(url)')).toHaveLength(0);
    expect(globalFetchUses('await fetchFn(url)')).toHaveLength(0);
    expect(globalFetchUses('// fetch(url) in a comment')).toHaveLength(0);
    expect(globalFetchUses("import { fetch as forgeFetch } from '@forge/api';")).toHaveLength(0);
  });

  it('the Forge composition root passes @forge/api fetch to the identity-provider calls', () => {
    const forgeDeps = readFileSync(join(SRC, 'adapters/forge/forge-deps.ts'), 'utf8');
    expect(forgeDeps).toMatch(/import \{[^}]*fetch as forgeFetch[^}]*\} from '@forge\/api'/);
    expect(forgeDeps).toMatch(/\n\s*fetch: idpFetch,/);
  });
});
