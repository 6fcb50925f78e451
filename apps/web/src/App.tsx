import { MantineProvider, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { ApiProvider } from './api/ApiContext.tsx';
import type { GuichetApi } from './api/guichetApi.ts';
import { AbsencePage } from './features/absence/AbsencePage.tsx';
import { AdminPage } from './features/admin/AdminPage.tsx';
import { RequireSession } from './features/auth/RequireSession.tsx';
import { ApprovalsPage } from './features/approvals/ApprovalsPage.tsx';
import { SignInPage } from './features/auth/SignInPage.tsx';
import { PasswordLinkPage } from './features/invite/PasswordLinkPage.tsx';
import { ProfilePage } from './features/profile/ProfilePage.tsx';
import { CasePage } from './features/case/CasePage.tsx';
import { ChannelsPage } from './features/channels/ChannelsPage.tsx';
import { IncidentPage } from './features/incidents/IncidentPage.tsx';
import { IncidentsPage } from './features/incidents/IncidentsPage.tsx';
import { GreetingsSettingsPage } from './features/greetings/GreetingsSettingsPage.tsx';
import { InboxPage } from './features/inbox/InboxPage.tsx';
import { ReportsPage } from './features/reports/ReportsPage.tsx';
import { SurveySettingsPage } from './features/surveys/SurveySettingsPage.tsx';
import { StaffingPage } from './features/staffing/StaffingPage.tsx';
import { RulesSettingsPage } from './features/rules/RulesSettingsPage.tsx';
import { CalendarPage } from './features/scheduled-posts/CalendarPage.tsx';
import { SettingsLayout } from './features/settings/SettingsLayout.tsx';
import { SettingsPage } from './features/settings/SettingsPage.tsx';
import { SlaSettingsPage } from './features/sla/SlaSettingsPage.tsx';
import { TemplatesPage } from './features/templates/TemplatesPage.tsx';

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
});

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  // One-time password links: the person has no session yet.
  { path: '/invite/:token', element: <PasswordLinkPage kind="invite" /> },
  { path: '/reset-password/:token', element: <PasswordLinkPage kind="reset" /> },
  {
    path: '/',
    element: <RequireSession />,
    children: [
      { index: true, element: <InboxPage /> },
      { path: 'cases/:caseId', element: <CasePage /> },
      { path: 'approvals', element: <ApprovalsPage /> },
      { path: 'reports', element: <ReportsPage /> },
      {
        // One settings area; each section keeps its own URL.
        element: <SettingsLayout />,
        children: [
          { path: 'settings', element: <SettingsPage /> },
          { path: 'channels', element: <ChannelsPage /> },
          { path: 'sla', element: <SlaSettingsPage /> },
          { path: 'absence', element: <AbsencePage /> },
          { path: 'greetings', element: <GreetingsSettingsPage /> },
          { path: 'surveys', element: <SurveySettingsPage /> },
          { path: 'rules', element: <RulesSettingsPage /> },
          { path: 'templates', element: <TemplatesPage /> },
          { path: 'staffing', element: <StaffingPage /> },
        ],
      },
      { path: 'incidents', element: <IncidentsPage /> },
      { path: 'incidents/:incidentId', element: <IncidentPage /> },
      { path: 'calendar', element: <CalendarPage /> },
      { path: 'admin', element: <AdminPage /> },
      { path: 'admin/:tab', element: <AdminPage /> },
      { path: 'profile', element: <ProfilePage /> },
    ],
  },
  { path: '*', element: <Navigate to="/" replace /> },
]);

export function App({ api, queryClient }: { api: GuichetApi; queryClient: QueryClient }) {
  return (
    <MantineProvider theme={theme}>
      <Notifications position="bottom-right" limit={4} />
      <QueryClientProvider client={queryClient}>
        <ApiProvider api={api}>
          <RouterProvider router={router} />
        </ApiProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
