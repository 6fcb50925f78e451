import { Button, Group, Modal, Paper, Radio, Stack, Text } from '@mantine/core';
import type { CaseSummary } from '@guichet/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { CaseStatusBadge } from '../../components/CaseStatusBadge.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { useCaseStructureApi } from './caseStructureApi.ts';
import { StructureError } from './StructureError.tsx';

/** Merge another case of this customer into the one shown (it keeps everything; the other is closed). */
export function CaseMergeButton({ summary }: { summary: CaseSummary }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Button size="xs" variant="default" onClick={() => setOpened(true)} data-testid="merge-open">
        {t('caseStructure.merge')}
      </Button>
      {opened && <MergeDialog summary={summary} onClose={() => setOpened(false)} />}
    </>
  );
}

function MergeDialog({ summary, onClose }: { summary: CaseSummary; onClose: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const structure = useCaseStructureApi();
  const queryClient = useQueryClient();
  const contact = useQuery({
    queryKey: queryKeys.contact(summary.contact.id),
    queryFn: ({ signal }) => api.getContact(summary.contact.id, signal),
  });
  const [chosen, setChosen] = useState<string | null>(null);
  const merge = useMutation({
    mutationFn: (absorbedCaseId: string) => structure.merge(summary.id, absorbedCaseId),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.cases });
      onClose();
    },
  });
  const others = (contact.data?.cases ?? []).filter((c) => c.id !== summary.id);

  return (
    <Modal opened onClose={onClose} title={t('caseStructure.mergeTitle')} centered size="lg">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('caseStructure.mergeHelp')}
        </Text>
        {contact.isSuccess && others.length === 0 && <Text size="sm">{t('caseStructure.mergeNone')}</Text>}
        <Radio.Group value={chosen} onChange={setChosen}>
          <Stack gap={6}>
            {others.map((other) => (
              <Paper key={other.id} withBorder p="xs" radius="sm" data-testid="merge-candidate">
                <Radio
                  value={other.id}
                  label={
                    <Stack gap={2}>
                      <Group gap={6}>
                        <CaseStatusBadge status={other.status} />
                        <Timestamp value={other.lastMessageAt} size="xs" c="dimmed" />
                      </Group>
                      <Text size="sm" className="customer-text" lineClamp={2}>
                        {other.preview}
                      </Text>
                    </Stack>
                  }
                />
              </Paper>
            ))}
          </Stack>
        </Radio.Group>
        {merge.isError && <StructureError error={merge.error} />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('caseStructure.cancel')}
          </Button>
          <Button
            disabled={chosen === null}
            loading={merge.isPending}
            onClick={() => chosen && merge.mutate(chosen)}
            data-testid="merge-confirm"
          >
            {t('caseStructure.mergeConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
