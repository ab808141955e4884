/**
 * Renders the UI Kit ForgeDoc tree (what @forge/react sends over `reconcile`) with the Atlaskit
 * components Confluence's own UI Kit host uses (see atlaskit-map.ts). Function props are called by
 * their `__id__`, as the real host does across the iframe bridge, with events serialized to the
 * plain objects the app receives in Confluence.
 */
import React from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { renderElement } from './ui-kit-elements';

export interface ForgeDoc {
  type: string;
  props: Record<string, unknown>;
  children: ForgeDoc[];
  key: string;
}

type Handler = ((...args: unknown[]) => unknown) & { __id__?: string };

/** Function props of the current tree by `__id__`, rebuilt on every reconcile. */
const handlers = new Map<string, Handler>();

const registerHandlers = (node: ForgeDoc): void => {
  for (const value of Object.values(node.props)) {
    if (typeof value === 'function') {
      const fn = value as Handler;
      if (fn.__id__) handlers.set(fn.__id__, fn);
    }
  }
  node.children.forEach(registerHandlers);
};

/** Calls the app's handler for a function prop, the way the product host calls across the bridge. */
export const callHandler = (prop: unknown, ...args: unknown[]): void => {
  const id = typeof prop === 'function' ? (prop as Handler).__id__ : undefined;
  const fn = id ? handlers.get(id) : undefined;
  if (!fn) return;
  try {
    const result = fn(...args);
    if (result && typeof (result as Promise<unknown>).catch === 'function') {
      (result as Promise<unknown>).catch((error) => console.error('UI Kit handler failed', error));
    }
  } catch (error) {
    console.error('UI Kit handler failed', error);
  }
};

/** Renders child nodes as an array (not a fragment), so Atlaskit containers that count children see each one. */
export const renderNodes = (nodes: ForgeDoc[]): React.ReactNode[] => nodes.map((child) => <ForgeNode key={child.key} node={child} />);

export const ForgeNode = ({ node }: { node: ForgeDoc }): React.ReactElement | null => renderElement(node);

let root: Root | null = null;
let scheduled = false;
let latest: ForgeDoc | null = null;

/** Called on every `reconcile`; renders on the next microtask so it never runs inside the app's commit. */
export const renderForgeDoc = (doc: ForgeDoc): void => {
  latest = doc;
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    if (!latest) return;
    handlers.clear();
    registerHandlers(latest);
    const container = document.getElementById('forge-app');
    if (!container) return;
    root ??= createRoot(container);
    root.render(<ForgeNode node={latest} />);
    container.setAttribute('data-rendered', 'true');
  });
};
