import React, { useState } from 'react';
import { Button, ErrorMessage, HelperMessage, SectionMessage, Stack, Text, TextArea } from '@forge/react';
import type { LinkView } from '../../core/model';
import { api, toResolverError } from '../api';
import { Field } from './field';
import { flagSuccess } from './flags';
import { parseList } from './labels';
import { ModalFrame } from './modal-frame';

export interface EmailLinkModalProps {
  link: LinkView;
  /** The full URL shown at create/rotate, or null when this session no longer knows it. */
  url: string | null;
  onRotateForEmail: () => void;
  onClose: () => void;
}

const EMAILISH = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const EmailLinkModal = ({ link, url, onRotateForEmail, onClose }: EmailLinkModalProps) => {
  const [recipients, setRecipients] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async () => {
    if (!url) return;
    const list = parseList(recipients);
    const invalid = list.filter((entry) => !EMAILISH.test(entry));
    if (list.length === 0) return setError('Enter at least one email address.');
    if (invalid.length > 0) return setError(`Not an email address: ${invalid.join(', ')}`);
    setBusy(true);
    setError(null);
    try {
      const { sent } = await api.emailLink({ linkId: link.id, url, recipients: list, ...(message.trim() ? { message: message.trim() } : {}) });
      flagSuccess('Link sent', `Emailed to ${sent} recipient${sent === 1 ? '' : 's'}.`);
      onClose();
    } catch (e) {
      const failure = toResolverError(e);
      setError(failure.fieldMessages().recipients ?? failure.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <ModalFrame
      title={`Email “${link.name}”`}
      closeLabel="Cancel"
      onClose={onClose}
      actions={
        url ? (
          <Button appearance="primary" isDisabled={busy} onClick={send}>
            Send
          </Button>
        ) : (
          <Button appearance="warning" onClick={onRotateForEmail}>
            Rotate link
          </Button>
        )
      }
    >
      {url ? (
        <Stack space="space.150">
          <Field id="email-recipients" label="Recipients" required helper="Email addresses, comma-separated. The password is never included." error={error ?? undefined}>
            <TextArea id="email-recipients" name="recipients" value={recipients} onChange={(e) => setRecipients(String(e.target.value ?? ''))} />
          </Field>
          <Field id="email-message" label="Message">
            <TextArea id="email-message" name="message" value={message} onChange={(e) => setMessage(String(e.target.value ?? ''))} />
          </Field>
        </Stack>
      ) : (
        <SectionMessage appearance="information" title="The full link is no longer available">
          <Stack space="space.100">
            <Text>
              For security, Secure Share stores only a fingerprint of each link and shows the full URL once. To email this link,
              rotate it: you get a new URL to send and the old one stops working.
            </Text>
            <HelperMessage>Recipients of the old URL will need the new one.</HelperMessage>
          </Stack>
        </SectionMessage>
      )}
      {error && !url ? <ErrorMessage>{error}</ErrorMessage> : null}
    </ModalFrame>
  );
};
