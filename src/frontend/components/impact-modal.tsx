import React from 'react';
import { Button, SectionMessage, Stack, Text } from '@forge/react';
import type { PolicyImpactResult } from '../../shared/configurations-contract';
import { ModalFrame } from './modal-frame';

const links = (n: number): string => `${n.toLocaleString('en-US')} ${n === 1 ? 'link' : 'links'}`;

/** "N links will stop opening": the title of the impact preview. */
export const impactTitle = (impact: PolicyImpactResult): string =>
  `${links(impact.stopping)}${impact.capped ? ' or more' : ''} will stop opening`;

/**
 * The impact preview before a tighter policy is saved: which links that open today would stop opening,
 * each with its reasons, then Save anyway. Nothing is deleted by saving: loosening the policy again restores them.
 */
export const ImpactModal = ({
  impact,
  busy,
  onSave,
  onCancel,
}: {
  impact: PolicyImpactResult;
  busy: boolean;
  onSave: () => void;
  onCancel: () => void;
}) => {
  const hidden = impact.stopping - impact.links.length;
  return (
    <ModalFrame
      title={impactTitle(impact)}
      titleAppearance="warning"
      width="large"
      closeLabel="Cancel"
      onClose={onCancel}
      actions={
        <Button appearance="warning" isDisabled={busy} onClick={onSave}>
          Save anyway
        </Button>
      }
    >
      <Stack space="space.200">
        <Text>
          {`These links open today and would stop opening as soon as you save. Nothing is deleted: changing the settings back makes them open again.`}
        </Text>
        {impact.links.map((link) => (
          <Stack key={link.id} space="space.050">
            <Text weight="bold">{`${link.name} — ${link.pageTitle} (${link.spaceKey})`}</Text>
            {link.reasons.map((reason) => (
              <Text key={reason}>{`• ${reason}`}</Text>
            ))}
          </Stack>
        ))}
        {hidden > 0 ? <Text>{`…and ${links(hidden)} more.`}</Text> : null}
        {impact.capped ? (
          <SectionMessage appearance="information" title="Not every link was checked">
            <Text>{`The check stopped after the first ${links(impact.checked)}, so more links may stop opening than counted here.`}</Text>
          </SectionMessage>
        ) : null}
      </Stack>
    </ModalFrame>
  );
};
