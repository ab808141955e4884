import React from 'react';
import { renderApp } from './render-app';
import { GlobalSettingsApp } from './components/global-settings-app';

renderApp(
  <React.StrictMode>
    <GlobalSettingsApp />
  </React.StrictMode>,
);
