/**
 * Light, dark or the system's colour mode for the local host, applied with Atlassian's own theme
 * loader (@atlaskit/tokens setGlobalTheme), as Confluence themes UI Kit apps.
 */
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';
import type { ColorMode } from './host-context';

/** Resolves once the theme's token CSS is on the page. */
export const applyTheme = (colorMode: ColorMode): Promise<unknown> =>
  setGlobalTheme({ colorMode, light: 'light', dark: 'dark', spacing: 'spacing', typography: 'typography', shape: 'shape' });
