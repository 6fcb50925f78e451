import type { ScheduledPost } from '@guichet/contracts';
import { Box, Button, Group, Paper, SegmentedControl, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CenteredLoader } from '../../components/CenteredLoader.tsx';
import { ErrorState } from '../../components/ErrorState.tsx';
import { currentLanguage } from '../../i18n/index.ts';
import {
  dayKey,
  postTime,
  postsByDay,
  shift,
  startOfDay,
  visibleDays,
  visibleRange,
  type CalendarMode,
} from './calendarGrid.ts';
import { PostEditor } from './PostEditor.tsx';
import { PostStatusBadge } from './PostStatusBadge.tsx';
import { scheduledPostKeys, useScheduledPostsApi } from './scheduledPostsApi.ts';

/** A month cell lists this many posts, then "+ n more" (the week view lists them all). */
const MONTH_CELL_POSTS = 3;

type Editing = { post: ScheduledPost | null; date: Date | null } | null;

/** Scheduled and sent brand posts on a month or week grid, in the agent's time zone and language (F23). */
export function CalendarPage() {
  const { t } = useTranslation();
  useDocumentTitle(`${t('scheduledPosts.title')} · ${t('app.name')}`);
  const api = useScheduledPostsApi();
  const locale = currentLanguage();
  const [mode, setMode] = useState<CalendarMode>('month');
  const [anchor, setAnchor] = useState(() => startOfDay(new Date()));
  const [editing, setEditing] = useState<Editing>(null);
  const [expanded, setExpanded] = useState<string | null>(null);
  const days = useMemo(() => visibleDays(anchor, mode), [anchor, mode]);
  const range = visibleRange(days);
  const posts = useQuery({
    queryKey: scheduledPostKeys.range(range.from, range.to),
    queryFn: ({ signal }) => api.list(range, signal),
    placeholderData: keepPreviousData,
  });
  const byDay = useMemo(() => postsByDay(posts.data?.posts ?? []), [posts.data]);
  const today = dayKey(new Date());
  const weekdays = days.slice(0, 7).map((d) => new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(d));
  const period =
    mode === 'month'
      ? new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(anchor)
      : new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).formatRange(
          days[0]!,
          days[6]!,
        );
  const time = (post: ScheduledPost) =>
    new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(postTime(post));

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap">
        <Stack gap={2}>
          <Title order={1} size="h3">
            {t('scheduledPosts.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('scheduledPosts.intro', { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone })}
          </Text>
        </Stack>
        <Button onClick={() => setEditing({ post: null, date: null })} data-testid="calendar-new-post">
          {t('scheduledPosts.newPost')}
        </Button>
      </Group>
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={() => setAnchor(shift(anchor, mode, -1))}>
            {t('scheduledPosts.previous')}
          </Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(startOfDay(new Date()))}>
            {t('scheduledPosts.today')}
          </Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(shift(anchor, mode, 1))}>
            {t('scheduledPosts.next')}
          </Button>
          <Text fw={600} data-testid="calendar-period" tt={mode === 'month' ? 'capitalize' : undefined}>
            {period}
          </Text>
        </Group>
        <SegmentedControl
          size="xs"
          value={mode}
          onChange={(value) => setMode(value as CalendarMode)}
          data={[
            { value: 'month', label: t('scheduledPosts.month') },
            { value: 'week', label: t('scheduledPosts.week') },
          ]}
          data-testid="calendar-mode"
        />
      </Group>
      {posts.isPending ? (
        <CenteredLoader />
      ) : posts.isError ? (
        <ErrorState title={t('scheduledPosts.loadError')} error={posts.error} onRetry={() => void posts.refetch()} />
      ) : (
        <Box
          role="grid"
          aria-label={period}
          data-testid="calendar-grid"
          style={{ display: 'grid', gridTemplateColumns: 'repeat(7, minmax(0, 1fr))', gap: 4 }}
        >
          {weekdays.map((name) => (
            <Text key={name} role="columnheader" size="xs" fw={600} c="dimmed" ta="center" tt="capitalize">
              {name}
            </Text>
          ))}
          {days.map((day) => {
            const key = dayKey(day);
            const list = byDay.get(key) ?? [];
            const outside = mode === 'month' && day.getMonth() !== anchor.getMonth();
            const shown = mode === 'week' || expanded === key ? list : list.slice(0, MONTH_CELL_POSTS);
            return (
              <Paper
                key={key}
                role="gridcell"
                withBorder
                radius="sm"
                p={4}
                mih={mode === 'week' ? 320 : 110}
                bg={key === today ? 'var(--mantine-color-blue-0)' : undefined}
                style={{ opacity: outside ? 0.55 : 1 }}
                data-testid="calendar-day"
                data-day={key}
              >
                <Group justify="space-between" gap={2} wrap="nowrap">
                  <Text size="xs" fw={key === today ? 700 : 500}>
                    {mode === 'week'
                      ? new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(day)
                      : day.getDate()}
                  </Text>
                  <UnstyledButton
                    aria-label={t('scheduledPosts.newOn', {
                      day: new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(day),
                    })}
                    onClick={() =>
                      setEditing({ post: null, date: new Date(day.getFullYear(), day.getMonth(), day.getDate(), 10) })
                    }
                    fz="xs"
                    c="dimmed"
                    px={4}
                  >
                    +
                  </UnstyledButton>
                </Group>
                <Stack gap={3} mt={2}>
                  {shown.map((post) => (
                    <UnstyledButton
                      key={post.id}
                      onClick={() => setEditing({ post, date: null })}
                      data-testid="calendar-post"
                      data-status={post.status}
                      style={{
                        borderLeft: '3px solid var(--mantine-color-blue-4)',
                        paddingLeft: 4,
                        textDecoration: post.status === 'cancelled' ? 'line-through' : undefined,
                      }}
                    >
                      <Group gap={4} wrap="nowrap">
                        <Text size="xs" fw={600}>
                          {time(post)}
                        </Text>
                        <PostStatusBadge status={post.status} size="xs" />
                      </Group>
                      <Text size="xs" lineClamp={mode === 'week' ? 4 : 2} className="customer-text">
                        {post.text}
                      </Text>
                    </UnstyledButton>
                  ))}
                  {shown.length < list.length && (
                    <UnstyledButton onClick={() => setExpanded(key)} fz="xs" c="blue">
                      {t('scheduledPosts.more', { count: list.length - shown.length })}
                    </UnstyledButton>
                  )}
                </Stack>
              </Paper>
            );
          })}
        </Box>
      )}
      {posts.data && posts.data.posts.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" data-testid="calendar-empty">
          {t('scheduledPosts.empty')}
        </Text>
      )}
      {editing && (
        <PostEditor
          key={editing.post?.id ?? 'new'}
          post={editing.post}
          initialDate={editing.date}
          onClose={() => setEditing(null)}
        />
      )}
    </Stack>
  );
}
