import React from 'react';
import { renderApp } from './render-app';
import { ShareDialogApp } from './components/share-dialog-app';

renderApp(
  <React.StrictMode>
    <ShareDialogApp />
  </React.StrictMode>,
);
