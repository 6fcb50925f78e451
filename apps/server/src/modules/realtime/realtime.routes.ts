import type { RealtimeBus } from '../../platform/realtime.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';

/** One WebSocket per open tab; it only says what changed in the agent's workspace. */
export function registerRealtimeRoutes(app: HttpApp, deps: { realtime: RealtimeBus }): void {
  app.get('/api/realtime', { websocket: true, schema: { hide: true } }, (socket, request) => {
    const { workspaceId } = requireAuth(request);
    const unsubscribe = deps.realtime.subscribe(workspaceId, (event) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    });
    // Idle proxies cut silent connections; a ping every 25 s keeps them open.
    const keepAlive = setInterval(() => socket.ping(), 25_000);
    socket.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  });
}
