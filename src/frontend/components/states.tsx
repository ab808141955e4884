import React from 'react';
import { Box, Button, Inline, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import type { ResolverError } from '../api';

export const Loading = ({ label }: { label: string }) => (
  <Box padding="space.300">
    <Inline space="space.100" alignBlock="center">
      <Spinner size="medium" label={label} />
      <Text>{label}</Text>
    </Inline>
  </Box>
);

const titleFor = (error: ResolverError): string => {
  switch (error.code) {
    case 'forbidden':
    case 'unauthenticated':
      return 'You do not have access';
    case 'not_found':
      return 'Not found';
    case 'policy_violation':
      return 'This does not meet the sharing policy';
    case 'version_conflict':
      return 'Someone else changed this';
    case 'sharing_disabled':
      return 'Sharing is turned off';
    case 'invalid_input':
      return 'Please check the form';
    default:
      return 'Something went wrong';
  }
};

const NOT_RETRYABLE = new Set(['forbidden', 'unauthenticated', 'not_found', 'invalid_input', 'policy_violation']);

/** An error as a SectionMessage: the resolver's message plus any detail messages; retry only where retrying can help. */
export const ErrorPanel = ({ error, onRetry: retry }: { error: ResolverError; onRetry?: () => void }) => {
  const onRetry = NOT_RETRYABLE.has(error.code) ? undefined : retry;
  return (
  <SectionMessage appearance="error" title={titleFor(error)}>
    <Stack space="space.100">
      <Text>{error.message}</Text>
      {error.details
        .filter((d) => !d.field)
        .map((d, i) => (
          <Text key={i}>{d.message}</Text>
        ))}
      {onRetry ? (
        <Inline>
          <Button onClick={onRetry}>Try again</Button>
        </Inline>
      ) : null}
    </Stack>
  </SectionMessage>
  );
};
