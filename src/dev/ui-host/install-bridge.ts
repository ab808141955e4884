/**
 * Browser side of the local host, loaded before the app bundle's @forge packages (they capture
 * `__bridge.callBridge` at module load). It plays the part of the Forge iframe bridge: context
 * from the URL, resolver calls over HTTP to the local server, flags with @atlaskit/flag, and every
 * `reconcile` rendered through Atlaskit components in the chosen theme.
 */
import './feature-flags';
import { colorModeFrom, extensionFor, hostParamsFrom, productContextFor, SURFACE_ALIASES, type Surface } from './host-context';
import { closeFlag, showFlag, type FlagRequest } from './flags';
import { renderForgeDoc, type ForgeDoc } from './renderer';
import { applyTheme } from './theme';

const surfaceName = location.pathname.replace(/^\/ui\//, '').replace(/\/$/, '');
const surface: Surface = SURFACE_ALIASES[surfaceName] ?? 'share';
const query = new URLSearchParams(location.search);
const params = hostParamsFrom(surface, query);
const colorMode = colorModeFrom(query);
const themed = applyTheme(colorMode).catch((error) => console.error('Could not load the Atlassian theme', error));

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
      return { ...productContextFor(params, location.origin), theme: { colorMode } };
    case 'invoke':
      return invoke(data as { functionKey: string; payload?: unknown });
    case 'showFlag':
      showFlag(data as FlagRequest);
      return undefined;
    case 'closeFlag':
      return closeFlag((data as { id: string | number }).id);
    case 'reconcile': {
      // The first paint waits for the theme's tokens, so nothing flashes in the wrong colours.
      const doc = (data as { forgeDoc: ForgeDoc }).forgeDoc;
      void themed.then(() => renderForgeDoc(doc));
      return undefined;
    }
    case 'onError':
      console.error('UI Kit app error', data);
      return undefined;
    default:
      return undefined;
  }
};

const g = globalThis as unknown as { __bridge?: unknown; self?: unknown };
g.__bridge = { callBridge };
(window as unknown as { __secureShareHost: unknown }).__secureShareHost = { params, colorMode };
