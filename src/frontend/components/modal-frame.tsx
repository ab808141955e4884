import React, { type ReactNode } from 'react';
import { Button, Modal, ModalBody, ModalFooter, ModalHeader, ModalTitle, ModalTransition } from '@forge/react';

export interface ModalFrameProps {
  /** Shown as the heading and used as the dialog's accessible label. */
  title: string;
  titleAppearance?: 'danger' | 'warning';
  width?: 'small' | 'medium' | 'large' | 'x-large';
  /** The label of the subtle footer button that closes without acting. */
  closeLabel: 'Cancel' | 'Close';
  onClose: () => void;
  /** Footer buttons after the close button. */
  actions?: ReactNode;
  children: ReactNode;
}

/** The dialog layout every modal of the app shares: title, body, then a footer of close + actions. */
export const ModalFrame = ({ title, titleAppearance, width, closeLabel, onClose, actions, children }: ModalFrameProps) => (
  <ModalTransition>
    <Modal onClose={onClose} label={title} {...(width ? { width } : {})}>
      <ModalHeader>
        <ModalTitle appearance={titleAppearance}>{title}</ModalTitle>
      </ModalHeader>
      <ModalBody>{children}</ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={onClose}>
          {closeLabel}
        </Button>
        {actions}
      </ModalFooter>
    </Modal>
  </ModalTransition>
);
