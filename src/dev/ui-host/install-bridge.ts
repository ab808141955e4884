/**
 * Browser side of the local host, loaded before the app bundle's @forge packages (they capture
 * `__bridge.callBridge` at module load). It plays the part of the Forge iframe bridge: context
 * from the URL, resolver calls over HTTP to the local server, flags as toasts, and every
 * `reconcile` rendered to the DOM by the ForgeDoc renderer.
 */
import { extensionFor, hostParamsFrom, productContextFor, SURFACE_ALIASES, type Surface } from './host-context';
import { renderForgeDoc, showToast, type ForgeDoc } from './renderer';

const surfaceName = location.pathname.replace(/^\/ui\//, '').replace(/\/$/, '');
const surface: Surface = SURFACE_ALIASES[surfaceName] ?? 'share';
const params = hostParamsFrom(surface, new URLSearchParams(location.search));

const invoke = async (data: { functionKey: string; payload?: unknown }): Promise<unknown> => {
  const response = await fetch(`/api/invoke/${encodeURIComponent(data.functionKey)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payload: data.payload ?? {}, context: { accountId: params.accountId, extension: extensionFor(params) } }),
  });
  const text = await response.text();
  try {
    // The envelope is the resolver's return value: non-2xx statuses still carry { ok: false, error }.
    return JSON.parse(text);
  } catch {
    throw new Error(`The local server answered ${response.status} without JSON`);
  }
};

const callBridge = async (cmd: string, data?: unknown): Promise<unknown> => {
  switch (cmd) {
    case 'getContext':
      return productContextFor(params, location.origin);
    case 'invoke':
      return invoke(data as { functionKey: string; payload?: unknown });
    case 'showFlag': {
      const flag = data as { id: string; title?: string; description?: string; type?: string; appearance?: string };
      showToast(flag);
      return undefined;
    }
    case 'reconcile':
      renderForgeDoc((data as { forgeDoc: ForgeDoc }).forgeDoc);
      return undefined;
    case 'onError':
      console.error('UI Kit app error', data);
      return undefined;
    default:
      return undefined;
  }
};

const g = globalThis as unknown as { __bridge?: unknown; self?: unknown };
g.__bridge = { callBridge };
(window as unknown as { __secureShareHost: unknown }).__secureShareHost = { params };
