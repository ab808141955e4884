/**
 * The Forge-packaged app under the simulated Forge runtime, over the demo site: the strict KVS emulator
 * (without index lag or throttling, so seeding and assertions are deterministic) and the Confluence emulator.
 * `store` is the app's KVS store over the same emulator, for tests to seed data the packaged code reads.
 */
import { join } from 'node:path';
import { createKvsStore } from '../../../src/adapters/forge/kvs-store';
import { createConfluenceEmulator } from '../../../src/dev/confluence-emulator/emulator';
import { loadFixtureSite } from '../../../src/dev/confluence-emulator/site-schema';
import { createEmulatedKvs, KvsEmulator } from '../../../src/dev/kvs-emulator';
import { installForgeRuntime, packagedBundlesExist, type ForgeRuntimeOptions } from './forge-runtime';

export const PACKAGED_TRIGGER_URL = 'https://4f3c9a2b-1d2e.hello.atlassian-dev.net/x1/Zm9yZ2Utd2VidHJpZ2dlcg';

export const startPackagedApp = async (egress: Pick<ForgeRuntimeOptions, 'egress' | 'allowedEgress'> = {}) => {
  if (!packagedBundlesExist()) throw new Error('No Forge-packaged bundles in .forge-build/runtime: run `npm run package:forge`.');
  const kvs = new KvsEmulator({ indexLag: { ops: 0 }, rateLimitRate: 0 });
  const emulator = createConfluenceEmulator(await loadFixtureSite(join(__dirname, '../../../fixtures/demo-site.json')));
  const runtime = installForgeRuntime({
    kvs,
    webTriggerUrl: PACKAGED_TRIGGER_URL,
    confluence: (principal, path, init) => emulator.requestFnFor(principal)(path, init as never),
    ...egress,
  });
  const store = createKvsStore(createEmulatedKvs(kvs), { clock: { now: () => Date.now() } });
  return { kvs, emulator, runtime, store, index: runtime.load('index'), share: runtime.load('share') };
};
