import React from 'react';
import { Heading, List, ListItem, SectionMessage, Stack, Text } from '@forge/react';

export const GettingStartedTab = () => (
  <Stack space="space.200">
    <Heading as="h2" size="small">
      Share Confluence pages with people outside Confluence
    </Heading>
    <Text>
      Page editors create secure links from the share icon under a page title or from ••• → Apps → Secure Share. Every link obeys
      the policy set here and in each space: site → space → link, the most restrictive level wins.
    </Text>
    <List type="ordered">
      <ListItem>Default link configuration: set what links may allow. Turn on “Apply on all links” to make it a limit rather than a default.</ListItem>
      <ListItem>Selected users: restrict who can open links to certain emails or domains.</ListItem>
      <ListItem>Email delivery and custom domain: send links from your own provider and serve them under your own URL.</ListItem>
      <ListItem>Space admins fine-tune their space under Space settings → Secure Share.</ListItem>
      <ListItem>All links and Audit log: review, revoke and export.</ListItem>
    </List>
    <SectionMessage appearance="information" title="Links are never loosened by a policy change">
      <Text>
        Tightening the policy applies at once: links that no longer comply stop opening and show as non-compliant. Nothing is deleted;
        loosening the policy again restores them.
      </Text>
    </SectionMessage>
  </Stack>
);
