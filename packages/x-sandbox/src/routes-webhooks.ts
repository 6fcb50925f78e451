import { invalidRequest } from './errors.ts';
import { checkId, userIdOf, type RouteFn, type ServerDeps } from './routing.ts';

/** Account Activity API: webhook registration (§13.1) and subscriptions (§13.4). */

const APP_OR_OAUTH1 = { auth: 'app-or-oauth1' } as const;
const SUBSCRIBER = { auth: 'user', scopes: ['dm.read', 'dm.write', 'tweet.read', 'users.read'] } as const;

function reason(message: string) {
  return invalidRequest([{ parameters: {}, message }]);
}

export function registerWebhookRoutes(route: RouteFn, deps: ServerDeps): void {
  const { engine, webhooks } = deps;

  const view = (w: { id: string; url: string; valid: boolean; createdAt: string }) => ({
    id: w.id,
    url: w.url,
    valid: w.valid,
    created_at: w.createdAt,
  });

  const requireHook = (id: string) => {
    checkId('webhook_id', id);
    const hook = engine.getWebhook(id);
    if (!hook) throw reason('WebhookIdInvalid');
    return hook;
  };

  route('POST', '/2/webhooks', APP_OR_OAUTH1, async (ctx) => {
    const url = (ctx.body as { url?: unknown } | undefined)?.url;
    const hook = view(await webhooks.register(url));
    // The docs wrap the config in `data`; the spec's WebhookConfigCreateResponse has it at the top level.
    // Both are sent so a client written against either keeps working.
    return { status: 200, body: { data: hook, ...hook } };
  });
  route('GET', '/2/webhooks', { auth: 'app' }, () => {
    const list = engine.listWebhooks().map(view);
    // The spec gives `data` minItems 1: an empty list is just meta.
    return { status: 200, body: { ...(list.length ? { data: list } : {}), meta: { result_count: list.length } } };
  });
  route('PUT', '/2/webhooks/:webhook_id', APP_OR_OAUTH1, async (ctx) => {
    requireHook(ctx.params.webhook_id!);
    const valid = await webhooks.revalidate(ctx.params.webhook_id!);
    if (!valid) throw reason('CrcValidationFailed');
    return { status: 200, body: { data: { valid: true, attempted: true } } };
  });
  route('DELETE', '/2/webhooks/:webhook_id', APP_OR_OAUTH1, (ctx) => {
    requireHook(ctx.params.webhook_id!);
    return { status: 200, body: { data: { deleted: engine.deleteWebhook(ctx.params.webhook_id!) } } };
  });

  route('POST', '/2/account_activity/webhooks/:webhook_id/subscriptions/all', SUBSCRIBER, (ctx) => {
    const hook = requireHook(ctx.params.webhook_id!);
    const me = userIdOf(ctx.identity);
    if (engine.isSubscribed(hook.id, me)) throw reason('DuplicateSubscriptionFailed');
    const alreadyCounted = engine.subscriptions().some((s) => s.userId === me);
    if (!alreadyCounted && engine.uniqueSubscribedUsers() >= deps.maxSubscriptions) {
      throw reason('SubscriptionLimitExceeded');
    }
    engine.addSubscription(hook.id, me);
    return { status: 200, body: { data: { subscribed: true } } };
  });
  route('GET', '/2/account_activity/webhooks/:webhook_id/subscriptions/all', SUBSCRIBER, (ctx) => {
    const hook = requireHook(ctx.params.webhook_id!);
    return { status: 200, body: { data: { subscribed: engine.isSubscribed(hook.id, userIdOf(ctx.identity)) } } };
  });
  route('GET', '/2/account_activity/webhooks/:webhook_id/subscriptions/all/list', { auth: 'app' }, (ctx) => {
    const hook = requireHook(ctx.params.webhook_id!);
    return {
      status: 200,
      body: {
        data: {
          webhook_id: hook.id,
          webhook_url: hook.url,
          application_id: engine.app.clientId,
          subscriptions: engine.subscriptions(hook.id).map((s) => ({ user_id: s.userId })),
        },
      },
    };
  });
  route('DELETE', '/2/account_activity/webhooks/:webhook_id/subscriptions/:user_id/all', { auth: 'app' }, (ctx) => {
    const hook = requireHook(ctx.params.webhook_id!);
    checkId('user_id', ctx.params.user_id!);
    engine.unsubscribe(hook.id, ctx.params.user_id!);
    return { status: 200, body: { data: { subscribed: false } } };
  });
  route('GET', '/2/account_activity/subscriptions/count', { auth: 'app' }, () => {
    const count = engine.uniqueSubscribedUsers();
    return {
      status: 200,
      body: {
        data: {
          account_name: engine.app.clientId,
          provisioned_count: String(deps.maxSubscriptions),
          subscriptions_count_all: String(count),
          subscriptions_count_direct_messages: '0',
        },
      },
    };
  });
}
