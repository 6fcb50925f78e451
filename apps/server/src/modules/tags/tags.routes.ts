import { tagListSchema } from '@guichet/contracts';
import type { Db } from '../../platform/db/database.ts';
import type { HttpApp } from '../../platform/http/http-app.ts';
import { requireAuth } from '../auth/auth.routes.ts';
import { listTags } from './tags.repository.ts';

export function registerTagRoutes(app: HttpApp, deps: { db: Db }): void {
  app.get(
    '/api/tags',
    { schema: { tags: ['tags'], summary: 'Every tag of the workspace, by name', response: { 200: tagListSchema } } },
    async (request) => ({ tags: await listTags(deps.db, requireAuth(request).workspaceId) }),
  );
}
