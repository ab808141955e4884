import React, { useState } from 'react';
import { Button, Label, Stack, Text, Textfield } from '@forge/react';
import { ModalFrame } from './modal-frame';

export interface ConfirmModalProps {
  title: string;
  body: string;
  confirmLabel: string;
  appearance?: 'danger' | 'warning' | 'primary';
  /** When set, the confirm button stays disabled until this exact text is typed. */
  typedConfirmation?: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

export const ConfirmModal = ({
  title,
  body,
  confirmLabel,
  appearance = 'danger',
  typedConfirmation,
  busy = false,
  onConfirm,
  onCancel,
}: ConfirmModalProps) => {
  const [typed, setTyped] = useState('');
  const confirmed = typedConfirmation === undefined || typed === typedConfirmation;
  return (
    <ModalFrame
      title={title}
      titleAppearance={appearance === 'primary' ? undefined : appearance}
      closeLabel="Cancel"
      onClose={onCancel}
      actions={
        <Button appearance={appearance} isDisabled={!confirmed || busy} onClick={onConfirm}>
          {confirmLabel}
        </Button>
      }
    >
      <Stack space="space.150">
        <Text>{body}</Text>
        {typedConfirmation !== undefined ? (
          <Stack space="space.050">
            <Label labelFor="typed-confirmation">Type {typedConfirmation} to confirm</Label>
            <Textfield
              id="typed-confirmation"
              name="typed-confirmation"
              value={typed}
              onChange={(e) => setTyped(String(e.target.value ?? ''))}
            />
          </Stack>
        ) : null}
      </Stack>
    </ModalFrame>
  );
};
