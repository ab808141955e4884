import React, { useState } from 'react';
import {
  Button,
  Label,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
  Stack,
  Text,
  Textfield,
} from '@forge/react';

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
    <ModalTransition>
      <Modal onClose={onCancel} label={title}>
        <ModalHeader>
          <ModalTitle appearance={appearance === 'primary' ? undefined : appearance}>{title}</ModalTitle>
        </ModalHeader>
        <ModalBody>
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
        </ModalBody>
        <ModalFooter>
          <Button appearance="subtle" onClick={onCancel}>
            Cancel
          </Button>
          <Button appearance={appearance} isDisabled={!confirmed || busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </ModalFooter>
      </Modal>
    </ModalTransition>
  );
};
