import React, { useState } from 'react';
import { Button, HelperMessage, SectionMessage, Stack, Text, TextArea } from '@forge/react';
import type { LinkView } from '../../core/model';
import { api, toResolverError } from '../api';
import { Field } from './field';
import { flagSuccess } from './flags';
import { invalidEmails, plural } from './form-checks';
import { parseList } from './labels';
import { ModalFrame } from './modal-frame';

export interface EmailLinkModalProps {
  link: Pick<LinkView, 'id' | 'name' | 'urlAvailable'>;
  /** A URL this session already holds (just created or rotated), else null: the app sends the link's kept URL. */
  url: string | null;
  /** Offered for links whose URL the app did not keep; absent when the caller cannot rotate (admins of lists). */
  onRotateForEmail?: (() => void) | undefined;
  onClose: () => void;
}

/** "Send via": recipients and a personal message; the app sends the link's URL, never its password. */
export const EmailLinkModal = ({ link, url, onRotateForEmail, onClose }: EmailLinkModalProps) => {
  const [recipients, setRecipients] = useState('');
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<{ recipients?: string; message?: string; general?: string }>({});
  const [busy, setBusy] = useState(false);
  const canSend = url !== null || link.urlAvailable;

  const send = async () => {
    const list = parseList(recipients);
    const invalid = invalidEmails(list);
    const found: typeof errors = {};
    if (list.length === 0) found.recipients = 'Enter at least one email address.';
    else if (invalid.length > 0) found.recipients = `${plural(invalid.length, 'This is not an email address', 'These are not email addresses')}: ${invalid.join(', ')}`;
    else if (list.length > 20) found.recipients = 'Send to at most 20 people at a time.';
    if (message.length > 2000) found.message = `The message is ${message.length} characters long; the limit is 2,000.`;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const { sent } = await api.emailLink({
        linkId: link.id,
        ...(url !== null ? { url } : {}),
        recipients: list,
        ...(message.trim() ? { message: message.trim() } : {}),
      });
      flagSuccess('Link sent', `Emailed to ${plural(sent, '1 person', `${sent} people`)}.`);
      onClose();
    } catch (e) {
      const failure = toResolverError(e);
      const byField = failure.fieldMessages();
      setErrors({
        ...(byField.recipients ? { recipients: byField.recipients } : {}),
        ...(byField.message ? { message: byField.message } : {}),
        ...(!byField.recipients && !byField.message ? { general: failure.message } : {}),
      });
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
        canSend ? (
          <Button appearance="primary" isDisabled={busy} onClick={send}>
            Send
          </Button>
        ) : onRotateForEmail ? (
          <Button appearance="warning" onClick={onRotateForEmail}>
            Rotate link…
          </Button>
        ) : null
      }
    >
      {canSend ? (
        <Stack space="space.150">
          <Field
            id="email-recipients"
            label="Recipients"
            required
            helper="Email addresses, separated by commas, spaces or new lines. Each person gets their own email. The password is never included."
            error={errors.recipients}
          >
            <TextArea id="email-recipients" name="recipients" value={recipients} onChange={(e) => setRecipients(String(e.target.value ?? ''))} />
          </Field>
          <Field id="email-message" label="Personal message" helper="Optional. Shown above the link in the email." error={errors.message}>
            <TextArea id="email-message" name="message" value={message} onChange={(e) => setMessage(String(e.target.value ?? ''))} />
          </Field>
          {errors.general ? (
            <SectionMessage appearance="error" title="Not sent">
              <Text>{errors.general}</Text>
            </SectionMessage>
          ) : null}
        </Stack>
      ) : (
        <SectionMessage appearance="information" title="This link’s URL cannot be shown again">
          <Stack space="space.100">
            <Text>
              This link was created before Secure Share kept links for re-sharing. To email it, rotate it: it gets a new URL that you
              can copy and email at any time from now on.
            </Text>
            <HelperMessage>
              {onRotateForEmail
                ? 'Everyone who has the old URL loses access when you rotate, until you send them the new one.'
                : 'An editor of the page can rotate it.'}
            </HelperMessage>
          </Stack>
        </SectionMessage>
      )}
    </ModalFrame>
  );
};
