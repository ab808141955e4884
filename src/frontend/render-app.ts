import type React from 'react';
import ForgeReconcilerImport from '@forge/react';

type Reconciler = typeof ForgeReconcilerImport;

/**
 * @forge/react is CommonJS. Bundlers that apply Node's ESM interop (this package is "type": "module")
 * hand the default import over as the whole exports object, others as `exports.default`; accept both.
 */
const reconciler: Reconciler =
  typeof (ForgeReconcilerImport as Partial<Reconciler>).render === 'function'
    ? ForgeReconcilerImport
    : (ForgeReconcilerImport as unknown as { default: Reconciler }).default;

export const renderApp = (element: React.ReactElement): void => reconciler.render(element);
