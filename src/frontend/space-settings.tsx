import React from 'react';
import { renderApp } from './render-app';
import { SpaceSettingsApp } from './components/space-settings-app';

renderApp(
  <React.StrictMode>
    <SpaceSettingsApp />
  </React.StrictMode>,
);
