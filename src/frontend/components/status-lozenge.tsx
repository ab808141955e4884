import React from 'react';
import { Lozenge } from '@forge/react';
import type { LinkView } from '../../core/model';
import { STATUS_LOZENGE } from './labels';

export const StatusLozenge = ({ status }: { status: LinkView['effectiveStatus'] }) => {
  const { label, appearance } = STATUS_LOZENGE[status];
  return <Lozenge appearance={appearance}>{label}</Lozenge>;
};
