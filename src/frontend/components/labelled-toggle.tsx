import React, { type ComponentProps } from 'react';
import { Inline, Label, Toggle } from '@forge/react';

type LabelledToggleProps = ComponentProps<typeof Toggle> & { id: string; label: string };

/**
 * A switch with its words beside it. UI Kit's Toggle `label` is only read out by screen readers (in
 * Confluence too), so on its own a switch shows no text at all.
 */
export const LabelledToggle = ({ id, label, ...toggle }: LabelledToggleProps) => (
  <Inline space="space.100" alignBlock="center">
    <Toggle id={id} label={label} {...toggle} />
    <Label labelFor={id}>{label}</Label>
  </Inline>
);
