import React from 'react';
import { ErrorMessage, HelperMessage, Label, RequiredAsterisk, Stack } from '@forge/react';

export interface FieldProps {
  id: string;
  label: string;
  required?: boolean;
  helper?: string;
  error?: string;
  children: React.ReactNode;
}

/** Label + input + helper + inline error, the layout every form field shares. */
export const Field = ({ id, label, required, helper, error, children }: FieldProps) => (
  <Stack space="space.050">
    <Label labelFor={id}>
      {label}
      {required ? <RequiredAsterisk /> : null}
    </Label>
    {children}
    {helper ? <HelperMessage>{helper}</HelperMessage> : null}
    {error ? <ErrorMessage>{error}</ErrorMessage> : null}
  </Stack>
);

/** Helper + error lines under a Checkbox/Toggle that carries its own label. */
export const FieldNotes = ({ helper, error }: { helper?: string; error?: string }) =>
  helper || error ? (
    <Stack space="space.050">
      {helper ? <HelperMessage>{helper}</HelperMessage> : null}
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
    </Stack>
  ) : null;
