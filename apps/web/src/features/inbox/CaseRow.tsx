import { Badge, Box, Group, Paper, Text } from '@mantine/core';
import type { CaseSummary } from '@guichet/contracts';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CaseStatusBadge } from '../../components/CaseStatusBadge.tsx';
import { ContactAvatar } from '../../components/ContactAvatar.tsx';
import { Timestamp } from '../../components/Timestamp.tsx';
import { SlaBadge } from '../sla/SlaBadge.tsx';
import { ConversationCues } from './ConversationCues.tsx';

export function CaseRow({ summary, active = false }: { summary: CaseSummary; active?: boolean }) {
  const { t } = useTranslation();
  const { contact } = summary;
  return (
    <Paper
      component={Link}
      to={`/cases/${encodeURIComponent(summary.id)}`}
      className="case-row"
      data-testid="case-row"
      data-case-id={summary.id}
      data-active={active || undefined}
      aria-current={active || undefined}
      withBorder
      radius="md"
      p="sm"
    >
      <Group wrap="nowrap" align="flex-start" gap="sm">
        <ContactAvatar contact={contact} />
        <Box miw={0} flex={1}>
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Group gap={6} wrap="nowrap" miw={0}>
              <Text fw={600} truncate="end" className="customer-text">
                {contact.name}
              </Text>
              {contact.handle && (
                <Text size="sm" c="dimmed" truncate="end" className="customer-text">
                  @{contact.handle}
                </Text>
              )}
            </Group>
            <Timestamp value={summary.lastMessageAt} size="xs" c="dimmed" style={{ flexShrink: 0 }} />
          </Group>
          <Group justify="space-between" wrap="nowrap" gap="xs" mt={4} align="flex-start">
            {/* One line on a wide screen; on a phone, where the row is the whole width, up to three. */}
            <Text size="sm" c="dimmed" truncate="end" miw={0} flex={1} visibleFrom="sm" data-testid="case-preview">
              {summary.preview || t('inbox.noPreview')}
            </Text>
            <Text
              size="sm"
              c="dimmed"
              lineClamp={3}
              miw={0}
              flex={1}
              hiddenFrom="sm"
              className="customer-text"
              data-testid="case-preview-phone"
            >
              {summary.preview || t('inbox.noPreview')}
            </Text>
            <CaseStatusBadge status={summary.status} />
          </Group>
          {(summary.lastVisibility ||
            summary.assignee ||
            summary.tags.length > 0 ||
            summary.priority !== null ||
            summary.sla) && (
            <Group gap={4} mt={6} wrap="wrap">
              <ConversationCues summary={summary} />
              {summary.priority !== null && (
                <Badge size="xs" color={summary.priority <= 2 ? 'red' : 'gray'} variant="light">
                  {t('inbox.priority', { value: summary.priority })}
                </Badge>
              )}
              <SlaBadge sla={summary.sla} />
              {summary.assignee && (
                <Badge size="xs" variant="outline" color="gray" data-testid="case-assignee">
                  {summary.assignee.name}
                </Badge>
              )}
              {summary.tags.map((tag) => (
                <Badge key={tag.id} size="xs" variant="light" color="grape" className="customer-text">
                  {tag.name}
                </Badge>
              ))}
            </Group>
          )}
        </Box>
      </Group>
    </Paper>
  );
}
