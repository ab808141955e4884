/**
 * Types for the @atlaskit/tokens entry point the local host loads its themes with. The bundler
 * resolves it to the current tokens release the Atlaskit components carry (routes.ts); the
 * top-level copy TypeScript would find is an old release without this entry point.
 */
declare module '@atlaskit/tokens/set-global-theme' {
  export interface ThemeState {
    colorMode?: 'light' | 'dark' | 'auto';
    light?: string;
    dark?: string;
    spacing?: string;
    typography?: string;
    shape?: string;
  }
  export function setGlobalTheme(state: ThemeState): Promise<unknown>;
}
