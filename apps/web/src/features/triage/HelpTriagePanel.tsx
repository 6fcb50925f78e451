import { Alert, Badge, Button, Group, Kbd, Paper, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import type { HelpTriageItem, MessageTypeValue } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { triageQueryKeys, useTriageApi } from './triageApi.ts';

/** One key per answer, in the order the keys line reads. */
const ANSWER_KEYS: [string, MessageTypeValue][] = [
  ['1', 'complaint'],
  ['2', 'question'],
  ['3', 'praise'],
  ['4', 'other'],
];

/**
 * The help-triage queue: the recent posts the model is least sure about, one at a time; an agent answers
 * with one key (1–4), or skips (S). Every answer is a label the desk learns from at once.
 */
export function HelpTriagePanel() {
  const { t, i18n } = useTranslation();
  const api = useTriageApi();
  const queryClient = useQueryClient();
  const [skipped, setSkipped] = useState<string[]>([]);
  const queue = useQuery({ queryKey: triageQueryKeys.helpQueue, queryFn: ({ signal }) => api.helpQueue(signal) });
  const answer = useMutation({
    mutationFn: (input: { item: HelpTriageItem; type: MessageTypeValue }) =>
      api.answer(input.item.messageId, input.type),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['triage'] }),
  });
  const items = (queue.data?.items ?? []).filter((i) => !skipped.includes(i.messageId));
  const current = items[0];
  const respond = (type: MessageTypeValue) => {
    if (current && !answer.isPending) answer.mutate({ item: current, type });
  };
  const skip = () => current && setSkipped((s) => [...s, current.messageId]);
  useHotkeys([...ANSWER_KEYS.map(([key, type]): [string, () => void] => [key, () => respond(type)]), ['s', skip]]);

  if (queue.isPending) return <CenteredLoader />;
  if (queue.isError) return <Alert color="red">{t(errorMessageKey(queue.error))}</Alert>;
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 });
  return (
    <Stack gap="md" maw={820} data-testid="help-triage">
      <Group justify="space-between">
        <Title order={4}>{t('triage.help.title')}</Title>
        <Group gap="xs">
          <Badge variant="light" data-testid="help-triage-remaining">
            {t('triage.help.remaining', { count: items.length })}
          </Badge>
          <Badge variant="light" color="teal" data-testid="help-triage-answered">
            {t('triage.help.answered', { count: queue.data.answered })}
          </Badge>
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        {t('triage.help.intro')}
      </Text>
      {!current ? (
        <Alert color="teal" data-testid="help-triage-empty">
          {t('triage.help.empty')}
        </Alert>
      ) : (
        <Paper withBorder p="md" data-testid="help-triage-item">
          <Text className="customer-text" size="md" mb="xs" data-testid="help-triage-text">
            {current.text}
          </Text>
          <Text size="xs" c="dimmed" mb="sm">
            {t('triage.help.modelSays', {
              type: t(`triage.type.${current.type}`),
              percent: percent.format(current.complaintProbability),
            })}
            {current.caseId && (
              <>
                {' · '}
                <Link to={`/cases/${encodeURIComponent(current.caseId)}`}>{t('triage.help.openCase')}</Link>
              </>
            )}
          </Text>
          <Group gap="xs">
            {ANSWER_KEYS.map(([key, type]) => (
              <Button
                key={type}
                variant="default"
                onClick={() => respond(type)}
                loading={answer.isPending && answer.variables?.type === type}
                leftSection={<Kbd>{key}</Kbd>}
                data-testid={`help-triage-answer-${type}`}
              >
                {t(`triage.type.${type}`)}
              </Button>
            ))}
            <Button variant="subtle" onClick={skip} leftSection={<Kbd>S</Kbd>} data-testid="help-triage-skip">
              {t('triage.help.skip')}
            </Button>
          </Group>
        </Paper>
      )}
      {answer.isError && <Alert color="red">{t(errorMessageKey(answer.error))}</Alert>}
      <Text size="xs" c="dimmed">
        {t('triage.help.keys')}
      </Text>
    </Stack>
  );
}
