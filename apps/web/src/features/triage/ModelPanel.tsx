import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ModelFigure, TriageModel } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { triageQueryKeys, useTriageApi } from './triageApi.ts';

const verdictColor = { better: 'teal', worse: 'red', mixed: 'yellow', same: 'gray', unknown: 'gray' } as const;

/**
 * The workspace model (leads): the labels agents gave, a retrain, each candidate beside the model in use on
 * the same held-out data, and the switch (or the switch back) once a lead is convinced.
 */
export function ModelPanel() {
  const { t, i18n } = useTranslation();
  const api = useTriageApi();
  const queryClient = useQueryClient();
  const models = useQuery({
    queryKey: triageQueryKeys.models,
    queryFn: ({ signal }) => api.models(signal),
    // While a model trains, its figures arrive in a few seconds.
    refetchInterval: (query) => (query.state.data?.models.some((m) => m.status === 'training') ? 1500 : false),
  });
  const retrain = useMutation({
    mutationFn: () => api.retrain(),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: triageQueryKeys.models }),
  });
  const activate = useMutation({
    mutationFn: (modelId: string | null) => api.activate(modelId),
    onSuccess: (data) => queryClient.setQueryData(triageQueryKeys.models, data),
  });
  if (models.isPending) return <CenteredLoader />;
  if (models.isError) return <Alert color="red">{t(errorMessageKey(models.error))}</Alert>;
  const data = models.data;
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
  const active = data.models.find((m) => m.id === data.activeModelId);
  const training = data.models.some((m) => m.status === 'training');
  const labelCount = data.labels.type + data.labels.priority;

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed" maw={820}>
        {t('triage.model.intro')}
      </Text>
      <Text size="sm" c="dimmed" maw={820} data-testid="model-self-learning">
        {t('triage.model.selfLearning', { every: 50, margin: '2 %' })}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Paper withBorder p="md" data-testid="model-in-use">
          <Title order={5} mb="xs">
            {t('triage.model.inUse')}
          </Title>
          <Group gap="xs">
            <Badge color={active ? 'blue' : 'gray'} size="lg">
              {active
                ? t('triage.model.workspaceModel', { date: format.format(new Date(active.createdAt)) })
                : t('triage.model.shipped')}
            </Badge>
            {active && (
              <Button
                size="xs"
                variant="default"
                onClick={() => activate.mutate(null)}
                loading={activate.isPending}
                data-testid="model-switch-back"
              >
                {t('triage.model.switchBack')}
              </Button>
            )}
          </Group>
          {active?.fileMissing && (
            <Alert color="orange" mt="xs">
              {t('triage.model.fileMissing')}
            </Alert>
          )}
        </Paper>
        <Paper withBorder p="md" data-testid="model-labels">
          <Title order={5} mb="xs">
            {t('triage.model.labels')}
          </Title>
          <Text size="sm">
            {t('triage.model.labelCounts', {
              type: data.labels.type,
              priority: data.labels.priority,
              heldOut: data.labels.heldOut,
            })}
          </Text>
          <Group mt="sm">
            <Button
              onClick={() => retrain.mutate()}
              loading={retrain.isPending || training}
              disabled={training}
              data-testid="model-retrain"
            >
              {training ? t('triage.model.training') : t('triage.model.retrain')}
            </Button>
            {labelCount === 0 && (
              <Text size="xs" c="dimmed">
                {t('triage.model.noLabelsYet')}
              </Text>
            )}
          </Group>
          {retrain.isError && (
            <Alert color="red" mt="xs">
              {t(errorMessageKey(retrain.error))}
            </Alert>
          )}
        </Paper>
      </SimpleGrid>

      {activate.isError && <Alert color="red">{t(errorMessageKey(activate.error))}</Alert>}
      <Stack gap="sm" data-testid="model-list">
        {data.models.map((model) => (
          <ModelCard
            key={model.id}
            model={model}
            format={format}
            onActivate={() => activate.mutate(model.id)}
            busy={activate.isPending}
          />
        ))}
      </Stack>

      {data.labels.recent.length > 0 && (
        <Paper withBorder p="md">
          <Title order={5} mb="xs">
            {t('triage.model.recent')}
          </Title>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing={4} data-testid="model-recent-labels">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('triage.model.post')}</Table.Th>
                  <Table.Th>{t('triage.model.correction')}</Table.Th>
                  <Table.Th>{t('triage.model.by')}</Table.Th>
                  <Table.Th>{t('triage.model.use')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.labels.recent.map((label) => (
                  <Table.Tr key={label.id}>
                    <Table.Td maw={380}>
                      <Text size="xs" className="customer-text" lineClamp={2}>
                        {label.text}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {labelText((k) => t(k), label.kind, label.previous)} →{' '}
                        <b>{labelText((k) => t(k), label.kind, label.label)}</b>
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs">
                        {label.agentName ?? '—'} · {format.format(new Date(label.createdAt))} ·{' '}
                        {t(`triage.model.source.${label.source}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge size="xs" variant="light" color={label.split === 'heldout' ? 'grape' : 'blue'}>
                        {label.split === 'heldout' ? t('triage.model.heldOut') : t('triage.model.trainSplit')}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </Stack>
  );
}

const TYPE_KEYS: Record<
  string,
  'triage.type.complaint' | 'triage.type.question' | 'triage.type.praise' | 'triage.type.other'
> = {
  complaint: 'triage.type.complaint',
  question: 'triage.type.question',
  praise: 'triage.type.praise',
  other: 'triage.type.other',
};

function labelText(translate: (key: (typeof TYPE_KEYS)[string]) => string, kind: string, value: string | null): string {
  if (value === null) return '—';
  if (kind === 'priority') return `P${value}`;
  const key = TYPE_KEYS[value];
  return key ? translate(key) : value;
}

function ModelCard(props: { model: TriageModel; format: Intl.DateTimeFormat; onActivate: () => void; busy: boolean }) {
  const { t } = useTranslation();
  const { model } = props;
  const metrics = model.metrics;
  return (
    <Paper withBorder p="md" data-testid="model-card">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <Text fw={600}>{t('triage.model.trainedAt', { date: props.format.format(new Date(model.createdAt)) })}</Text>
          <Badge color={model.status === 'ready' ? 'teal' : model.status === 'failed' ? 'red' : 'blue'} variant="light">
            {t(`triage.model.status.${model.status}`)}
          </Badge>
          {model.active && <Badge color="blue">{t('triage.model.active')}</Badge>}
          {metrics && (
            <Badge color={verdictColor[metrics.verdict]} data-testid="model-verdict">
              {t(`triage.model.verdict.${metrics.verdict}`)}
            </Badge>
          )}
        </Group>
        {model.status === 'ready' && !model.active && !model.fileMissing && (
          <Button size="xs" onClick={props.onActivate} loading={props.busy} data-testid="model-activate">
            {t('triage.model.switch')}
          </Button>
        )}
      </Group>
      <Group gap="xs">
        <Badge
          size="sm"
          variant="outline"
          color={model.trigger === 'lead' ? 'gray' : 'grape'}
          data-testid="model-trigger"
        >
          {t(`triage.model.trigger.${model.trigger}`)}
        </Badge>
        {model.requestedBy && (
          <Text size="xs" c="dimmed">
            {t('triage.model.requestedBy', { name: model.requestedBy })}
          </Text>
        )}
        {model.sentimentRetrained && (
          <Text size="xs" c="dimmed">
            {t('triage.model.sentimentRetrained')}
          </Text>
        )}
      </Group>
      {metrics?.autoSwitch && <AutoSwitchLine decision={metrics.autoSwitch} />}
      {model.error && (
        <Alert color="red" mt="xs">
          {t('triage.model.failed', { error: model.error })}
        </Alert>
      )}
      {model.training && (
        <Text size="xs" c="dimmed" mt={4}>
          {t(model.training.base === 'full' ? 'triage.model.baseFull' : 'triage.model.baseRepository')} ·{' '}
          {t('triage.model.trainingFacts', {
            examples: model.training.examples,
            used: model.training.correctionsUsed,
            heldOut: model.training.correctionsHeldOut,
            seconds: model.training.seconds,
          })}
          {model.sha256 && <> · sha256 {model.sha256.slice(0, 12)}</>}
        </Text>
      )}
      {metrics && (
        <Table mt="sm" withTableBorder verticalSpacing={4} maw={760} data-testid="model-metrics">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('triage.model.figure')}</Table.Th>
              <Table.Th>
                {metrics.currentModelId ? t('triage.model.currentWorkspace') : t('triage.model.currentShipped')}
              </Table.Th>
              <Table.Th>{t('triage.model.candidate')}</Table.Th>
              <Table.Th>n</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <FigureRow label={t('triage.model.typeAccuracy')} figure={metrics.correctionsTypeAccuracy} />
            <FigureRow label={t('triage.model.priorityAccuracy')} figure={metrics.correctionsPriorityAccuracy} />
            {metrics.correctionsSentimentAccuracy && (
              <FigureRow label={t('triage.model.sentimentAccuracy')} figure={metrics.correctionsSentimentAccuracy} />
            )}
            {metrics.correctionsComplaintF1 && (
              <FigureRow label={t('triage.model.complaintF1')} figure={metrics.correctionsComplaintF1} />
            )}
            {metrics.shippedComplaintF1 ? (
              <FigureRow label={t('triage.model.shippedF1')} figure={metrics.shippedComplaintF1} />
            ) : (
              <Table.Tr>
                <Table.Td colSpan={4}>
                  <Text size="xs" c="dimmed">
                    {t('triage.model.noShippedSet')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function FigureRow({ label, figure }: { label: string; figure: ModelFigure }) {
  const { t, i18n } = useTranslation();
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 });
  const show = (x: number | null) => (x === null ? '—' : percent.format(x));
  const better = figure.current !== null && figure.candidate !== null && figure.candidate > figure.current;
  const worse = figure.current !== null && figure.candidate !== null && figure.candidate < figure.current;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm">{label}</Text>
      </Table.Td>
      <Table.Td>{figure.n === 0 ? <Text size="xs">{t('triage.model.noData')}</Text> : show(figure.current)}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={better || worse ? 700 : 400} c={better ? 'teal.8' : worse ? 'red.8' : undefined}>
          {figure.n === 0 ? '—' : show(figure.candidate)}
          {better ? ' ▲' : worse ? ' ▼' : ''}
        </Text>
      </Table.Td>
      <Table.Td>{figure.n}</Table.Td>
    </Table.Tr>
  );
}

const AUTO_REASON = {
  'not enough held-out labels': 'triage.model.autoReason.notEnough',
  'worse on some held-out figure': 'triage.model.autoReason.worse',
  'not better by the margin': 'triage.model.autoReason.notBetter',
} as const;

/** What a retrain that started by itself decided: switched (and by how much), or kept the model in use. */
function AutoSwitchLine({ decision }: { decision: NonNullable<NonNullable<TriageModel['metrics']>['autoSwitch']> }) {
  const { t, i18n } = useTranslation();
  const points = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 });
  if (decision.switched) {
    return (
      <Text size="sm" c="teal.8" mt={4} data-testid="model-auto-switch">
        {t('triage.model.autoSwitched', { gain: points.format(decision.gain ?? 0), heldOut: decision.heldOut })}
      </Text>
    );
  }
  const key = AUTO_REASON[decision.reason as keyof typeof AUTO_REASON];
  return (
    <Text size="sm" c="dimmed" mt={4} data-testid="model-auto-switch">
      {t('triage.model.autoKept', { reason: key ? t(key) : decision.reason })}
    </Text>
  );
}
