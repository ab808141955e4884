/**
 * Vitest setup for the `ui` project. @forge/bridge captures `globalThis.__bridge.callBridge` and the
 * reconciler reads `self.__bridge` when their modules load, so the fake host must exist before any
 * @forge import (forge-facts §6).
 */
import { callBridge } from './fake-host';

const g = globalThis as unknown as { __bridge?: unknown; self?: unknown };
g.__bridge = { callBridge };
g.self = globalThis;
