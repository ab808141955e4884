import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Browser tests need Debian's Chromium (`apt-get install chromium`; .ci/run installs it). On a machine
// without it they are left out with a warning, except in CI, where a missing browser must fail the run.
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const runBrowserTests = existsSync(chromiumPath) || process.env['CI'] === 'true';
if (!runBrowserTests) {
  console.warn(`\n⚠ Browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH).\n`);
}

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**', 'node_modules/**'],
          setupFiles: ['test/support/confluence-spec-guard.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'ui',
          environment: 'node',
          include: ['test/ui/**/*.test.tsx'],
          setupFiles: ['test/ui/setup-bridge.ts'],
          testTimeout: 20_000,
        },
      },
      ...(runBrowserTests ? [{
        extends: true as const,
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts'],
          fileParallelism: false,
          setupFiles: ['test/support/confluence-spec-guard.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      }] : []),
    ],
  },
});
