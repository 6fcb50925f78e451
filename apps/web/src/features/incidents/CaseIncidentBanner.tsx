import { Alert, Anchor, Badge, Button, Group, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { incidentKeys, useIncidentsApi } from './incidentsApi.ts';
import { incidentErrorText } from './incidentText.ts';

/**
 * On a case: the incidents it belongs to (so the agent does not answer one by one what the incident will
 * answer), and the open incidents it looks like, with a one-click link.
 */
export function CaseIncidentBanner({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const api = useIncidentsApi();
  const queryClient = useQueryClient();
  const incidents = useQuery({
    queryKey: incidentKeys.ofCase(caseId),
    queryFn: ({ signal }) => api.ofCase(caseId, signal),
  });
  const link = useMutation({
    mutationFn: (incidentId: string) => api.link(incidentId, caseId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: incidentKeys.all }),
  });
  if (!incidents.data) return null;
  const { linked, suggested, otherOpen } = incidents.data;
  if (linked.length === 0 && suggested.length === 0 && otherOpen.length === 0) return null;
  return (
    <Stack gap={6} data-testid="case-incidents">
      {linked.map((incident) => (
        <Alert
          key={incident.id}
          color={incident.status === 'open' ? 'red' : 'green'}
          variant="light"
          p="xs"
          data-testid="case-incident-linked"
        >
          <Group gap={6}>
            <Text size="sm">
              {incident.status === 'open' ? t('incidents.banner.linkedOpen') : t('incidents.banner.linkedResolved')}
            </Text>
            <Anchor component={Link} to={`/incidents/${incident.id}`} size="sm" fw={600} className="customer-text">
              {incident.title}
            </Anchor>
          </Group>
        </Alert>
      ))}
      {suggested.map((incident) => (
        <Alert key={incident.id} color="orange" variant="light" p="xs" data-testid="case-incident-suggested">
          <Group justify="space-between" wrap="wrap" gap={6}>
            <Group gap={6}>
              <Text size="sm">{t('incidents.banner.suggested')}</Text>
              <Anchor component={Link} to={`/incidents/${incident.id}`} size="sm" fw={600} className="customer-text">
                {incident.title}
              </Anchor>
              {incident.matchedWords.map((w) => (
                <Badge key={w} size="xs" variant="light" tt="none">
                  {w}
                </Badge>
              ))}
            </Group>
            <Button
              size="compact-xs"
              onClick={() => link.mutate(incident.id)}
              loading={link.isPending}
              data-testid="case-incident-link"
            >
              {t('incidents.link')}
            </Button>
          </Group>
          {link.error ? (
            <Text size="xs" c="red">
              {incidentErrorText(t, link.error)}
            </Text>
          ) : null}
        </Alert>
      ))}
      {otherOpen.length > 0 && (
        <Group gap={6}>
          <Select
            size="xs"
            placeholder={t('incidents.banner.linkOther')}
            aria-label={t('incidents.banner.linkOther')}
            data={otherOpen.map((i) => ({ value: i.id, label: i.title }))}
            value={null}
            onChange={(incidentId) => incidentId && link.mutate(incidentId)}
            w={320}
            data-testid="case-incident-other"
          />
          {link.error && suggested.length === 0 ? (
            <Text size="xs" c="red">
              {incidentErrorText(t, link.error)}
            </Text>
          ) : null}
        </Group>
      )}
    </Stack>
  );
}
