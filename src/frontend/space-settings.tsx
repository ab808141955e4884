import React from 'react';
import ForgeReconciler from '@forge/react';
import { SpaceSettingsApp } from './components/space-settings-app';

ForgeReconciler.render(
  <React.StrictMode>
    <SpaceSettingsApp />
  </React.StrictMode>,
);
