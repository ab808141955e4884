export { KvsEmulator, type IndexLag, type KvsAnswer, type KvsEmulatorOptions, type KvsRequestRecord } from './kvs-emulator';
export { createEmulatedKvs, kvsForgeFetch } from './client';
export { ENTITY_NAME_PATTERN, KEY_PATTERN, KVS_ERROR, KVS_LIMITS, KvsServiceError } from './limits';
