import { AppError } from '../../platform/errors.ts';
import type { AuthenticatedSession } from '../auth/auth.commands.ts';
import { requireAuth } from '../auth/auth.routes.ts';

/** Everyone uses saved replies; leads and admins write them, their folders and the starter library. */
export function requireLead(request: Parameters<typeof requireAuth>[0]): AuthenticatedSession {
  const session = requireAuth(request);
  if (session.role !== 'admin' && session.role !== 'lead') {
    throw new AppError('template.forbidden', 'forbidden', 'Only leads and admins manage saved replies.');
  }
  return session;
}
