import type { AppDeps } from '../composition.ts';
import { registerAbsenceRoutes } from '../modules/absence/absence.routes.ts';
import { registerAgentRoutes } from '../modules/agents/agents.routes.ts';
import { registerAgentAdminRoutes } from '../modules/agents/agents.admin.routes.ts';
import { registerInvitationRoutes } from '../modules/agents/invitations.routes.ts';
import { registerProfileRoutes } from '../modules/agents/profile.routes.ts';
import { registerApprovalRoutes } from '../modules/approvals/approvals.routes.ts';
import { registerAuditRoutes } from '../modules/audit/audit.routes.ts';
import { registerApiTokenRoutes } from '../modules/api-tokens/api-tokens.routes.ts';
import { registerAuthHook, registerAuthRoutes, sessionRole } from '../modules/auth/auth.routes.ts';
import { registerSessionRoutes } from '../modules/auth/sessions.routes.ts';
import { registerCaseRoutes } from '../modules/cases/cases.routes.ts';
import { registerCaseStructureRoutes } from '../modules/cases/cases.structure.routes.ts';
import { registerAccountChecklistRoutes } from '../modules/channels/account-checklist.routes.ts';
import { registerChannelRoutes } from '../modules/channels/channels.routes.ts';
import { registerChannelDeliveryRoutes } from '../modules/channels/channel-delivery.routes.ts';
import { registerContactRoutes } from '../modules/contacts/contacts.routes.ts';
import { registerEngagementRoutes } from '../modules/conversations/engagement/engagement.routes.ts';
import { registerGreetingsRoutes } from '../modules/greetings/greetings.routes.ts';
import { registerMediaRoutes } from '../modules/media/media.routes.ts';
import { registerOutgoingWebhookRoutes } from '../modules/outgoing-webhooks/outgoing-webhooks.routes.ts';
import { registerPresenceRoutes } from '../modules/presence/presence.routes.ts';
import { registerRealtimeRoutes } from '../modules/realtime/realtime.routes.ts';
import { registerReportRoutes } from '../modules/reports/reports.routes.ts';
import { registerSurveyRoutes } from '../modules/surveys/surveys.routes.ts';
import { registerStaffingRoutes } from '../modules/staffing/staffing.routes.ts';
import { registerRuleRoutes } from '../modules/rules/rules.routes.ts';
import { registerTriageRoutes } from '../modules/triage/triage.routes.ts';
import { registerScheduledPostRoutes } from '../modules/scheduled-posts/scheduled-posts.routes.ts';
import { registerIncidentRoutes } from '../modules/incidents/incidents.routes.ts';
import { registerSlaRoutes } from '../modules/sla/sla.routes.ts';
import { registerSystemRoutes } from '../modules/system/system.routes.ts';
import { registerTagRoutes } from '../modules/tags/tags.routes.ts';
import { registerTemplateRoutes } from '../modules/templates/templates.routes.ts';
import { registerWebhookRoutes } from '../modules/webhooks/webhooks.routes.ts';
import { registerWorkspaceRoutes } from '../modules/workspace/workspace.routes.ts';
import { createHttpApp, type HttpApp } from '../platform/http/http-app.ts';
import { VERSION } from '../platform/version.ts';

/** The web role: the HTTP API, the realtime socket and the built web app. */
export async function buildWebApp(deps: AppDeps, options: { serveWeb?: boolean } = {}): Promise<HttpApp> {
  const app = await createHttpApp({
    logger: deps.logger,
    metrics: deps.metrics,
    version: VERSION,
    webDistDir: options.serveWeb === false ? undefined : deps.config.webDistDir,
    publicUrl: deps.config.publicUrl,
    trustedProxies: deps.config.trustedProxies,
    cookieSecure: deps.config.cookieSecure,
    // The built-in sandbox serves its customers' photos itself (X: pbs.twimg.com, already allowed).
    mediaOrigins: deps.sandbox ? [new URL(deps.sandbox.url).origin] : [],
  });
  const authDeps = {
    db: deps.db,
    clock: deps.clock,
    throttle: deps.throttle,
    cookieSecure: deps.config.cookieSecure,
    sessions: deps.config.sessions,
    realtime: deps.realtime,
  };
  registerAuthHook(app, authDeps);
  registerSystemRoutes(app, {
    database: deps.database,
    metrics: deps.metrics,
    version: VERSION,
    roles: deps.config.roles,
    startedAt: deps.startedAt,
    viewerRole: (request) => sessionRole(authDeps, request),
  });
  registerAuthRoutes(app, authDeps);
  registerApiTokenRoutes(app, deps);
  registerCaseRoutes(app, deps);
  registerCaseStructureRoutes(app, deps);
  registerApprovalRoutes(app, deps);
  registerEngagementRoutes(app, deps);
  registerMediaRoutes(app, deps);
  registerChannelRoutes(app, deps);
  registerPresenceRoutes(app, deps);
  registerAgentRoutes(app, deps);
  registerAgentAdminRoutes(app, deps);
  registerProfileRoutes(app, deps);
  registerSessionRoutes(app, deps);
  registerInvitationRoutes(app, { ...deps, cookieSecure: deps.config.cookieSecure });
  registerTagRoutes(app, deps);
  registerContactRoutes(app, deps);
  registerTemplateRoutes(app, deps);
  registerRuleRoutes(app, deps);
  registerTriageRoutes(app, deps);
  registerSlaRoutes(app, deps);
  registerAbsenceRoutes(app, deps);
  registerGreetingsRoutes(app, deps);
  registerScheduledPostRoutes(app, deps);
  registerIncidentRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerSurveyRoutes(app, deps);
  registerStaffingRoutes(app, deps);
  registerRealtimeRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerWorkspaceRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerOutgoingWebhookRoutes(app, deps);
  registerAccountChecklistRoutes(app, deps);
  registerChannelDeliveryRoutes(app, deps);
  await app.ready();
  return app;
}
