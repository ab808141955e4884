import React from 'react';
import ForgeReconciler from '@forge/react';
import { GlobalSettingsApp } from './components/global-settings-app';

ForgeReconciler.render(
  <React.StrictMode>
    <GlobalSettingsApp />
  </React.StrictMode>,
);
