/**
 * Self-test checks only the Forge platform can answer (src/app/diagnostics.ts): what KVS actually
 * answers for a create of an existing key (FAIL_IF_EXISTS) and for a transaction whose condition fails.
 * kvs-store.ts treats "409 or a code naming a conflict/condition" as a conflict; this shows the real codes.
 * Uses throw-away records in the `ephemeral` entity (with a short TTL) and deletes them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Filter, FilterConditions, ForgeKvsAPIError } from '@forge/kvs';
import type { Kvs } from '@forge/kvs/out/interfaces/kvs';
import type { KvsConflictCodes, PlatformChecks } from '../../app/diagnostics-results';
import { ENTITY } from './kvs-entities';

interface ProbeValue {
  recordKey: string;
  rev: number;
  consumed: boolean;
  expiresKey: string;
  doc: Record<string, unknown>;
}

/** "409 KEY_CONFLICT" — status and code of a KVS error, or a short description of anything else. */
export const errorCodeOf = (error: unknown): string => {
  if (error instanceof ForgeKvsAPIError) return `${error.responseDetails?.status ?? '?'} ${error.code ?? 'no code'}`;
  return error instanceof Error ? `not a KVS error: ${error.message.slice(0, 120)}` : 'not a KVS error';
};

const NO_ERROR = 'no error: the write went through';

export const createForgePlatformChecks = (kvs: Pick<Kvs, 'entity' | 'transact'>): PlatformChecks => ({
  async kvsConflictCodes(): Promise<KvsConflictCodes> {
    const key = `diagnostics:conflict:${randomBytes(12).toString('base64url')}`;
    const entity = kvs.entity<ProbeValue>(ENTITY.ephemeral);
    const value = (rev: number): ProbeValue => ({ recordKey: key, rev, consumed: false, expiresKey: '000000000000000', doc: { probe: true } });
    const ttl = { ttl: { value: 1, unit: 'HOURS' as const } };
    await entity.set(key, value(1), { keyPolicy: 'FAIL_IF_EXISTS', ...ttl });
    try {
      let createExisting = NO_ERROR;
      try {
        await entity.set(key, value(2), { keyPolicy: 'FAIL_IF_EXISTS', ...ttl });
      } catch (error) {
        createExisting = errorCodeOf(error);
      }
      let conditionFailed = NO_ERROR;
      try {
        const conditions = new Filter<ProbeValue>().and('rev', FilterConditions.equalTo(99));
        await kvs.transact().set<ProbeValue>(key, value(3), { entityName: ENTITY.ephemeral, conditions }).execute();
      } catch (error) {
        conditionFailed = errorCodeOf(error);
      }
      return { createExisting, conditionFailed };
    } finally {
      await entity.delete(key).catch(() => undefined);
    }
  },
});
