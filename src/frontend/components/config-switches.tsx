import React from 'react';
import { Stack } from '@forge/react';
import { LabelledToggle } from './labelled-toggle';
import { FieldNotes } from './field';

export interface ConfigSwitch {
  id: string;
  label: string;
  /** What the switch does in its current position. */
  note: string;
  isChecked: boolean;
  onChange: (checked: boolean) => void;
}

const SwitchWithNote = ({ id, label, note, isChecked, onChange }: ConfigSwitch) => (
  <>
    <LabelledToggle id={id} label={label} isChecked={isChecked} onChange={(e) => onChange(Boolean(e.target.checked))} />
    <FieldNotes helper={note} />
  </>
);

/** The two switches that head a global or space configuration: sharing on/off, then apply-as-limits. */
export const ConfigSwitches = ({ sharing, apply }: { sharing: ConfigSwitch; apply: ConfigSwitch }) => (
  <Stack space="space.100">
    <SwitchWithNote {...sharing} />
    <SwitchWithNote {...apply} />
  </Stack>
);
