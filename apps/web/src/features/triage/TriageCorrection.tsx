import { Alert, Badge, Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import type { CaseTriage, MessageTypeValue } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessageKey } from '../../api/errorMessages.ts';
import { queryKeys } from '../../api/queryKeys.ts';
import { triageQueryKeys, useTriageApi } from './triageApi.ts';
import { reasonWith } from './reasonText.ts';
import { TRIAGE_TYPES } from './triageOptions.ts';

/** The case's triage with its reason; an agent who disagrees corrects it, and the desk learns from that. */
export function TriageCorrection({ caseId }: { caseId: string }) {
  const api = useTriageApi();
  const triage = useQuery({
    queryKey: triageQueryKeys.caseTriage(caseId),
    queryFn: ({ signal }) => api.caseTriage(caseId, signal),
  });
  // Kept here: the form below starts afresh whenever the case's triage changes (a correction included).
  const [thanked, setThanked] = useState(false);
  if (!triage.data) return null;
  return (
    <CorrectionForm
      key={JSON.stringify(triage.data)}
      triage={triage.data}
      thanked={thanked}
      onCorrected={() => setThanked(true)}
    />
  );
}

function CorrectionForm({
  triage,
  thanked,
  onCorrected,
}: {
  triage: CaseTriage;
  thanked: boolean;
  onCorrected: () => void;
}) {
  const { t } = useTranslation();
  const api = useTriageApi();
  const queryClient = useQueryClient();
  const [type, setType] = useState<MessageTypeValue | null>(triage.type);
  const [priority, setPriority] = useState<string | null>(triage.priority === null ? null : String(triage.priority));
  const correct = useMutation({
    mutationFn: () =>
      api.correct(triage.caseId, {
        ...(type && type !== triage.type ? { type } : {}),
        ...(priority && Number(priority) !== triage.priority ? { priority: Number(priority) } : {}),
      }),
    onSuccess: (data) => {
      onCorrected();
      queryClient.setQueryData(triageQueryKeys.caseTriage(triage.caseId), data);
      void queryClient.invalidateQueries({ queryKey: queryKeys.caseDetail(triage.caseId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.caseLists });
    },
  });
  const changed =
    (type !== null && type !== triage.type) || (priority !== null && Number(priority) !== triage.priority);
  return (
    <Paper withBorder p="md" data-testid="case-triage">
      <Title order={5} mb={4}>
        {t('triage.case.title')}
      </Title>
      <Stack gap="xs">
        <Group gap="xs">
          {triage.priority !== null && (
            <Badge color={triage.priority <= 2 ? 'red' : 'gray'} data-testid="case-triage-priority">
              P{triage.priority}
            </Badge>
          )}
          {triage.type && <Badge variant="light">{t(`triage.type.${triage.type}`)}</Badge>}
          {triage.slaPriority !== null && (
            <Badge variant="outline" color="orange">
              {t('triage.case.slaOf', { priority: triage.slaPriority })}
            </Badge>
          )}
        </Group>
        {triage.reason && (
          <Text size="xs" c="dimmed" data-testid="case-triage-reason">
            {t('triage.reason', { reason: reasonWith(t)(triage.reason) })}
          </Text>
        )}
        <Group gap="xs" align="flex-end">
          <Select
            size="xs"
            w={130}
            label={t('triage.case.type')}
            data={TRIAGE_TYPES.map((x) => ({ value: x, label: t(`triage.type.${x}`) }))}
            value={type}
            onChange={(v) => setType(v as MessageTypeValue | null)}
            allowDeselect={false}
            data-testid="case-triage-type"
          />
          <Select
            size="xs"
            w={80}
            label={t('triage.case.priority')}
            data={['1', '2', '3', '4'].map((p) => ({ value: p, label: `P${p}` }))}
            value={priority}
            onChange={setPriority}
            allowDeselect={false}
            data-testid="case-triage-priority-select"
          />
          <Button
            size="xs"
            variant="default"
            disabled={!changed || !triage.labelledText}
            loading={correct.isPending}
            onClick={() => correct.mutate()}
            data-testid="case-triage-correct"
          >
            {t('triage.case.correct')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {thanked ? t('triage.case.thanks') : t('triage.case.help')}
        </Text>
        {correct.isError && <Alert color="red">{t(errorMessageKey(correct.error))}</Alert>}
      </Stack>
    </Paper>
  );
}
