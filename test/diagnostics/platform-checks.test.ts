import { describe, expect, it } from 'vitest';
import { withRateLimitRetry } from '../../src/adapters/forge/kvs-rate-limit';
import { createForgePlatformChecks, errorCodeOf } from '../../src/adapters/forge/platform-checks';
import { FakeKvs } from '../support/fake-kvs';

describe('Forge platform checks (self-test)', () => {
  it('reports the codes KVS answers for a duplicate create and a failed condition, and leaves nothing behind', async () => {
    const kvs = new FakeKvs();
    // As forge-deps passes it: throttled (429) requests are repeated.
    expect(await createForgePlatformChecks(withRateLimitRetry(kvs, { sleep: async () => undefined })).kvsConflictCodes()).toEqual({ createExisting: '409 KEY_CONFLICT', conditionFailed: '409 CONDITION_FAILED' });
    expect(kvs.dump()).toEqual({});
  });

  it('describes anything that is not a KVS error as such', () => {
    expect(errorCodeOf(new Error('socket hang up'))).toBe('not a KVS error: socket hang up');
    expect(errorCodeOf('x')).toBe('not a KVS error');
  });
});
