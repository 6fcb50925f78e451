import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import './i18n/index.ts';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createGuichetApi } from './api/guichetApi.ts';
import { HttpClient } from './api/http.ts';
import { endSession } from './features/auth/session.ts';
import { createQueryClient } from './queryClient.ts';

const queryClient = createQueryClient();
// Any 401 means the session is gone: dropping it makes the signed-in screens redirect to sign-in.
const http = new HttpClient({ onUnauthorized: () => endSession(queryClient) });
const api = createGuichetApi(http);

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App api={api} queryClient={queryClient} />
  </StrictMode>,
);
