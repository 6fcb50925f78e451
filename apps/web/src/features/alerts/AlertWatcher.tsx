import { defaultNotificationPrefs, type CaseSummary, type RealtimeEvent } from '@guichet/contracts';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useApi } from '../../api/ApiContext.tsx';
import { queryKeys } from '../../api/queryKeys.ts';
import { useRealtimeEvents } from '../../realtime/RealtimeProvider.tsx';
import { useApprovals } from '../approvals/useApprovals.ts';
import { teamQueryKeys, useTeamApi } from '../team/teamApi.ts';
import {
  NewcomerTracker,
  approvalsAlert,
  assignedAlerts,
  breachAlert,
  newP1Alerts,
  newWorkCount,
  titleWithCount,
  wanted,
  type Alert,
} from './alertRules.ts';
import { playChime, showDesktopNotification } from './desktopNotify.ts';
import { isOwnChange } from './undo.ts';

/** Case events arrive in bursts (a case and its message); one look at the queues per burst. */
const settleMs = 400;
const lookSize = 25;

/**
 * Watches the realtime events for what the agent asked to be told about (profile → notifications):
 * new P1 cases, SLA breaches, approvals waiting and cases assigned to them. Shows a desktop notification
 * when the browser allows it (an in-page toast otherwise), plays the chime if chosen, and keeps the count
 * of new work in the tab title.
 */
export function AlertWatcher({ selfId }: { selfId: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const teamApi = useTeamApi();
  const navigate = useNavigate();
  const profile = useQuery({
    queryKey: teamQueryKeys.profile,
    queryFn: ({ signal }) => teamApi.profile(signal),
    staleTime: 60_000,
  });
  const prefs = profile.data?.notifications ?? defaultNotificationPrefs;
  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;

  const raise = useCallback(
    (alerts: readonly Alert[]) => {
      const chosen = wanted(alerts, prefsRef.current);
      for (const alert of chosen) {
        const title = t(`alerts.kind.${alert.kind}`);
        const body = alert.who ? t('alerts.aboutCase', { who: alert.who }) : t(`alerts.detail.${alert.kind}`);
        const open = () => void navigate(alert.caseId ? `/cases/${alert.caseId}` : '/approvals');
        if (!showDesktopNotification(title, body, alert.tag, open)) {
          notifications.show({ id: alert.tag, title, message: body, color: 'orange', autoClose: 8_000, onClick: open });
        }
      }
      if (chosen.length > 0 && prefsRef.current.sound) playChime();
    },
    [t, navigate],
  );

  useQueueWatch(selfId, raise);
  useApprovalsWatch(raise);

  const overview = useQuery({
    queryKey: queryKeys.overview,
    queryFn: ({ signal }) => api.getQueueOverview(signal),
  });
  useTitleCount(newWorkCount(overview.data));

  return null;
}

/**
 * Keeps `(n)` in front of the tab title. Screens set their own titles (Reports · Guichet), so the count is
 * put back whenever the title changes, and taken off on sign-out.
 */
function useTitleCount(count: number) {
  useEffect(() => {
    const apply = () => {
      const wanted = titleWithCount(document.title, count);
      if (document.title !== wanted) document.title = wanted;
    };
    apply();
    const element = document.querySelector('title');
    const observer = element ? new MutationObserver(apply) : null;
    if (element) observer?.observe(element, { childList: true, characterData: true, subtree: true });
    return () => {
      observer?.disconnect();
      document.title = titleWithCount(document.title, 0);
    };
  }, [count]);
}

/** Taking a case, or replying in the case on screen (which assigns it), is not news to this agent. */
function notMyOwnDoing(item: CaseSummary): boolean {
  return !isOwnChange(item.id) && window.location.pathname !== `/cases/${item.id}`;
}

/** Looks at the P1 queue and the agent's own queue after each burst of case events. */
function useQueueWatch(selfId: string, raise: (alerts: readonly Alert[]) => void) {
  const api = useApi();
  const [trackers] = useState(() => ({ p1: new NewcomerTracker(), mine: new NewcomerTracker() }));
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const look = useCallback(async () => {
    try {
      const [p1, mine] = await Promise.all([
        api.listCases({ view: 'all', priority: '1', sort: 'newest', limit: lookSize }),
        api.listCases({ view: 'mine', sort: 'newest', limit: lookSize }),
      ]);
      raise([
        ...newP1Alerts(trackers.p1.newcomers(p1.cases)),
        ...assignedAlerts(trackers.mine.newcomers(mine.cases).filter(notMyOwnDoing), selfId),
      ]);
    } catch {
      // Offline or signed out: the next event looks again.
    }
  }, [api, raise, selfId, trackers]);

  useEffect(() => {
    void look();
    return () => clearTimeout(timer.current);
  }, [look]);

  const onEvent = useCallback(
    (event: RealtimeEvent) => {
      const breach = breachAlert(event, selfId);
      if (breach) raise([breach]);
      if (event.type !== 'case.changed' && event.type !== 'message.changed') return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void look(), settleMs);
    },
    [look, raise, selfId],
  );
  useRealtimeEvents(onEvent);
}

/** Leads and admins: more replies waiting for their approval than before. */
function useApprovalsWatch(raise: (alerts: readonly Alert[]) => void) {
  const approvals = useApprovals();
  const previous = useRef<number | null>(null);
  const current = approvals.data?.count;
  useEffect(() => {
    if (current === undefined) return;
    const alert = approvalsAlert(previous.current, current);
    previous.current = current;
    if (alert) raise([alert]);
  }, [current, raise]);
}
