/**
 * CSS of the local host's own chrome (top bar, the frame standing in for Confluence's page or
 * dialog). Only Atlassian design tokens, so it follows the light and dark themes; the app's UI Kit
 * elements are styled by the Atlaskit components themselves.
 */
export const HOST_CSS = `
*{box-sizing:border-box}
html,body{margin:0;background:var(--ds-surface-sunken,#f7f8f9);color:var(--ds-text,#292a2e)}
body{font:var(--ds-font-body,normal 400 14px/20px ui-sans-serif,-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,sans-serif)}
.topbar{display:flex;align-items:center;gap:var(--ds-space-200,16px);padding:var(--ds-space-100,8px) var(--ds-space-250,20px);background:var(--ds-surface,#fff);border-bottom:1px solid var(--ds-border,#0b120e24);flex-wrap:wrap;font:var(--ds-font-body-small,normal 400 12px/16px ui-sans-serif,sans-serif)}
.topbar .brand{font:var(--ds-font-heading-xsmall,normal 653 14px/16px ui-sans-serif,sans-serif);margin-right:var(--ds-space-100,8px)}
.topbar a{color:var(--ds-text-subtle,#505258);text-decoration:none;padding:var(--ds-space-050,4px) var(--ds-space-100,8px);border-radius:var(--ds-radius-small,4px)}
.topbar a:hover{background:var(--ds-background-neutral-subtle-hovered,#0515240f)}
.topbar a.current{background:var(--ds-background-selected,#e9f2fe);color:var(--ds-text-selected,#1868db)}
.topbar label{display:flex;align-items:center;gap:var(--ds-space-075,6px);color:var(--ds-text-subtle,#505258)}
.topbar select,.topbar input{background:var(--ds-background-input,#fff);color:var(--ds-text,#292a2e);border:1px solid var(--ds-border-input,#8c8f97);border-radius:var(--ds-radius-small,4px);padding:2px 6px;font:inherit}
.topbar .spacer{flex:1}
.topbar form{display:flex;flex-wrap:wrap;gap:var(--ds-space-150,12px);align-items:center}
.topbar select{max-width:220px}
.topbar .go{background:var(--ds-background-brand-bold,#1868db);color:var(--ds-text-inverse,#fff);border:0;border-radius:var(--ds-radius-small,4px);padding:3px 10px;font:inherit;cursor:pointer}
.frame{max-width:1120px;margin:var(--ds-space-300,24px) auto;padding:0 var(--ds-space-200,16px)}
.frame.dialog{max-width:760px}
.surface{background:var(--ds-surface-raised,#fff);border-radius:var(--ds-radius-large,8px);box-shadow:var(--ds-shadow-raised,0 1px 1px #1e1f2140,0 0 1px #1e1f214f);padding:var(--ds-space-200,16px) var(--ds-space-250,20px);min-height:200px}
.surface-caption{font:var(--ds-font-body-small,normal 400 12px/16px ui-sans-serif,sans-serif);color:var(--ds-text-subtlest,#6b6e76);margin:0 0 var(--ds-space-100,8px)}
.boot{color:var(--ds-text-subtlest,#6b6e76)}
`;
