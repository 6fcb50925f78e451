import type { CaseSummary } from '@guichet/contracts';
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { assignUndoRequest, statusUndoRequest, type UndoableAction } from './undo.ts';

const toastMs = 8_000;

/**
 * After a resolve, snooze or assign: a toast that says what happened, with Undo. Undo asks the server to
 * put back the previous status or assignee (it is a new change, audited like any other).
 */
export function useUndoToast() {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();

  return useCallback(
    (action: UndoableAction, previous: CaseSummary) => {
      const id = `undo-${action}-${previous.id}-${Date.now()}`;
      const undo = async () => {
        notifications.hide(id);
        try {
          const restored =
            action === 'assigned'
              ? await api.assign(previous.id, assignUndoRequest(previous))
              : await api.changeStatus(previous.id, statusUndoRequest(previous, new Date()));
          queryClient.setQueryData(queryKeys.caseDetail(previous.id), (detail: { case: CaseSummary } | undefined) =>
            detail ? { ...detail, case: restored } : detail,
          );
          void queryClient.invalidateQueries({ queryKey: queryKeys.cases });
          notifications.show({ message: t('undo.done'), color: 'green', autoClose: 3_000 });
        } catch {
          notifications.show({ message: t('undo.failed'), color: 'red', autoClose: toastMs });
        }
      };
      notifications.show({
        id,
        autoClose: toastMs,
        withCloseButton: true,
        message: (
          <Group justify="space-between" wrap="nowrap" gap="sm" data-testid="undo-toast">
            <Text size="sm">{t(`undo.${action}`)}</Text>
            <Button size="compact-sm" variant="light" onClick={() => void undo()} data-testid="undo-button">
              {t('undo.action')}
            </Button>
          </Group>
        ),
      });
    },
    [api, queryClient, t],
  );
}
