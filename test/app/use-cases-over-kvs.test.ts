/**
 * Every use-case test file again, over the Forge KVS adapter on the strict KVS emulator (index lag and
 * occasional 429s on) instead of the local store.
 */
import { useHarnessStore } from './harness';

useHarnessStore('kvs');

await import('./admin.test');
await import('./audit-export.test');
await import('./audit-retention.test');
await import('./creator-names.test');
await import('./demo-seed.test');
await import('./link-activity-rights.test');
await import('./link-console.test');
await import('./link-lists-pagination.test');
await import('./links.test');
await import('./named-configs.test');
await import('./resolver-envelope.test');
await import('./setup-status.test');
