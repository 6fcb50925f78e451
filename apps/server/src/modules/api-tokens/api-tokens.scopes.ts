import type { ApiTokenScope } from '@guichet/contracts';

/**
 * What a route asks of an API token: a scope, any valid token (the API's own description), or nothing a
 * token can give (`session-only`: signing in and out, the realtime socket, presence, token, agent, audit and
 * credential administration — a person in the browser does those).
 */
export type RouteAccess = ApiTokenScope | 'any-token' | 'session-only';

interface AccessRule {
  /** A route pattern as registered (`/api/cases/:caseId/replies`); a trailing `/*` also covers what is below. */
  route: string;
  /** For GET and HEAD. */
  read: RouteAccess;
  /** For POST, PUT, PATCH and DELETE. */
  write: RouteAccess;
}

const both = (route: string, access: RouteAccess): AccessRule => ({ route, read: access, write: access });
const split = (route: string, read: RouteAccess, write: RouteAccess): AccessRule => ({ route, read, write });

/**
 * The single table mapping every /api route to what a token needs. First match wins, so the specific
 * entries come before the broad ones. A route matched by nothing is session-only (closed by default), and
 * a test checks that every registered /api route is matched by an entry here.
 */
export const ACCESS_RULES: AccessRule[] = [
  // A person's own business.
  both('/api/auth/*', 'session-only'),
  both('/api/api-tokens/*', 'session-only'),
  both('/api/realtime', 'session-only'),
  both('/api/cases/:caseId/presence', 'session-only'),
  both('/api/profile/*', 'session-only'),
  both('/api/me/*', 'session-only'),
  both('/api/account/*', 'session-only'),
  both('/api/invitations/*', 'session-only'),
  both('/api/sessions/*', 'session-only'),
  // Administration: agents, roles, credentials, audit, outgoing webhooks (admins, in the browser).
  both('/api/admin/*', 'session-only'),
  both('/api/audit/*', 'session-only'),
  both('/api/audit.csv', 'session-only'),
  both('/api/outgoing-webhooks/*', 'session-only'),
  both('/api/webhooks/*', 'session-only'),
  both('/api/channels/x/*', 'session-only'),
  split('/api/agents', 'cases:read', 'session-only'),
  both('/api/agents/*', 'session-only'),
  split('/api/teams', 'cases:read', 'session-only'),
  both('/api/teams/*', 'session-only'),
  both('/api/openapi.json', 'any-token'),

  // Whatever reaches X in the brand's name: replies, approvals of replies, likes and reposts, brand posts.
  split('/api/cases/:caseId/replies/*', 'cases:read', 'replies:write'),
  split('/api/approvals/*', 'cases:read', 'replies:write'),
  split('/api/messages/*', 'cases:read', 'replies:write'),
  // Pictures an agent uploads go out with a reply.
  split('/api/media/*', 'cases:read', 'replies:write'),
  split('/api/engagements/*', 'cases:read', 'replies:write'),
  split('/api/scheduled-posts/*', 'cases:read', 'replies:write'),
  // Linking cases to an incident is workflow; declaring and resolving one posts and answers on X.
  split('/api/incidents/:incidentId/cases/*', 'cases:read', 'cases:write'),
  split('/api/incidents/*', 'cases:read', 'replies:write'),

  // The work itself.
  split('/api/triage/classify', 'cases:read', 'cases:read'),
  split('/api/cases/*', 'cases:read', 'cases:write'),
  split('/api/contacts/*', 'cases:read', 'cases:write'),
  split('/api/tags/*', 'cases:read', 'settings:write'),
  split('/api/sla/alerts/*', 'cases:read', 'cases:write'),
  split('/api/search/*', 'cases:read', 'cases:write'),
  split('/api/saved-searches/*', 'cases:read', 'cases:write'),

  // Figures.
  split('/api/reports/*', 'reports:read', 'session-only'),
  split('/api/staffing/*', 'reports:read', 'session-only'),

  // The desk's work settings (leads).
  split('/api/rules/test', 'settings:read', 'settings:read'),
  split('/api/channels/*', 'settings:read', 'settings:write'),
  split('/api/templates/*', 'settings:read', 'settings:write'),
  split('/api/template-folders/*', 'settings:read', 'settings:write'),
  split('/api/reply-settings/*', 'settings:read', 'settings:write'),
  split('/api/rules/*', 'settings:read', 'settings:write'),
  split('/api/rules-order', 'settings:read', 'settings:write'),
  split('/api/triage/*', 'settings:read', 'settings:write'),
  split('/api/sla/*', 'settings:read', 'settings:write'),
  split('/api/absence/*', 'settings:read', 'settings:write'),
  split('/api/time-settings/*', 'settings:read', 'settings:write'),
  split('/api/surveys/*', 'settings:read', 'settings:write'),
  split('/api/workspace/*', 'settings:read', 'settings:write'),
  split('/api/business-hours/*', 'settings:read', 'settings:write'),
  split('/api/greetings/*', 'settings:read', 'settings:write'),
];

function matches(rule: string, route: string): boolean {
  if (!rule.endsWith('/*')) return rule === route;
  const base = rule.slice(0, -2);
  return route === base || route.startsWith(`${base}/`);
}

/** The matching rule for a registered route pattern, or undefined when no entry covers it. */
export function findAccessRule(route: string): AccessRule | undefined {
  return ACCESS_RULES.find((rule) => matches(rule.route, route));
}

/** What a token needs for this method on this registered route pattern; unknown routes are session-only. */
export function routeAccess(method: string, route: string): RouteAccess {
  const rule = findAccessRule(route);
  if (!rule) return 'session-only';
  return method === 'GET' || method === 'HEAD' ? rule.read : rule.write;
}
