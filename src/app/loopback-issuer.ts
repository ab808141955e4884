import { isLoopbackHttpOrigin } from '../core/oidc-issuer';
import type { AppDeps } from './deps';

/**
 * The one http origin an OIDC issuer may use, or undefined (always undefined in production).
 * Only a composition root that sets `deps.oidc.allowLoopbackIssuer` (local mode) gets one, and then
 * only its own share origin when that is http on this machine: the local server's demo identity
 * provider. Any other issuer keeps the https / public host rule.
 */
export const loopbackIssuerOrigin = async (deps: AppDeps): Promise<string | undefined> => {
  if (deps.oidc?.allowLoopbackIssuer !== true) return undefined;
  let origin: string;
  try {
    origin = new URL(await deps.shareBaseUrl()).origin;
  } catch {
    return undefined;
  }
  return isLoopbackHttpOrigin(origin) ? origin : undefined;
};
