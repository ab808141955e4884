import React from 'react';
import ForgeReconciler from '@forge/react';
import { ShareDialogApp } from './components/share-dialog-app';

ForgeReconciler.render(
  <React.StrictMode>
    <ShareDialogApp />
  </React.StrictMode>,
);
