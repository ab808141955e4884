import React, { useState } from 'react';
import { Box, Button, Form, FormFooter, SectionMessage, Select, Stack, Text } from '@forge/react';
import type { ClassificationSettingsResult } from '../../../shared/configurations-contract';
import { api, toResolverError } from '../../api';
import { Field } from '../field';
import { flagError, flagSuccess } from '../flags';
import { ErrorPanel, Loading } from '../states';
import { useResource } from '../use-resource';

const OFF = '';

/**
 * The classification rule (Policy group): pages at or above a chosen Confluence data classification level
 * cannot be shared. Checked when a link is created and again at every view, like every other rule.
 */
export const ClassificationTab = () => {
  const { resource, reload, replace } = useResource(() => api.getClassificationSettings(), []);
  if (resource.state === 'loading') return <Loading label="Loading classification levels…" />;
  if (resource.state === 'error') return <ErrorPanel error={resource.error} onRetry={reload} />;
  return <ClassificationForm key={resource.data.version} data={resource.data} onSaved={replace} />;
};

const ClassificationForm = ({ data, onSaved }: { data: ClassificationSettingsResult; onSaved: (r: ClassificationSettingsResult) => void }) => {
  const [levelId, setLevelId] = useState<string>(data.rule?.levelId ?? OFF);
  const [busy, setBusy] = useState(false);
  const options = [
    { label: 'No rule: any classification may be shared', value: OFF },
    ...data.levels.map((level) => ({ label: `${level.name} or higher`, value: level.id })),
  ];
  // A saved level the site no longer has stays selectable, so the form shows what is in force.
  if (data.rule && !data.levels.some((l) => l.id === data.rule!.levelId)) {
    options.push({ label: `${data.rule.name} or higher (no longer one of the site’s levels)`, value: data.rule.levelId });
  }
  const save = async () => {
    setBusy(true);
    try {
      const result = await api.setClassificationRule({ version: data.version, levelId: levelId === OFF ? null : levelId });
      flagSuccess(
        'Classification rule saved',
        result.rule ? `Pages classified ${result.rule.name} or higher cannot be shared, and their links stop opening.` : 'Pages of any classification may be shared.',
      );
      onSaved(result);
    } catch (e) {
      flagError('Classification rule not saved', toResolverError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Form onSubmit={() => void save()}>
      <Stack space="space.250">
        <Text>
          Pages at or above the level you choose cannot be shared: no link can be created for them, and existing links to them stop opening (visitors
          see the page as not available; the audit log says why). Levels come from your site’s data classification, least sensitive first.
        </Text>
        {data.levelsProblem ? (
          <SectionMessage appearance="warning" title="Classification levels not available">
            <Text>{data.levelsProblem}</Text>
          </SectionMessage>
        ) : null}
        <Box xcss={{ maxWidth: '420px' }}>
          <Field id="classification-level" label="Pages that cannot be shared">
            <Select
              id="classification-level"
              name="classificationLevel"
              options={options}
              value={options.find((o) => o.value === levelId)}
              onChange={(o: { value: string }) => setLevelId(o.value)}
            />
          </Field>
        </Box>
        <FormFooter>
          <Button appearance="primary" type="submit" isDisabled={busy}>
            Save classification rule
          </Button>
        </FormFooter>
      </Stack>
    </Form>
  );
};
