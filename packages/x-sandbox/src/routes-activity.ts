import type { ActivityHub } from './activity.ts';
import { invalidParam } from './errors.ts';
import { ID_PATTERN } from './ids.ts';
import type { RouteFn } from './routing.ts';

/**
 * X Activity API routes (official spec, operations createActivitySubscription, getActivitySubscriptions,
 * updateActivitySubscription, deleteActivitySubscription, deleteActivitySubscriptionsByIds, activityStream).
 * Security as the spec lists it: create and list take app-only, OAuth 2.0 user or OAuth 1.0a; update,
 * delete and the stream app-only.
 */
export function registerActivityRoutes(route: RouteFn, activity: ActivityHub): void {
  const ANY = { auth: 'any' } as const;
  const APP = { auth: 'app' } as const;
  const total = () => activity.list().length;

  route('POST', '/2/activity/subscriptions', ANY, (ctx) => {
    const userId = ctx.identity.kind === 'app' ? undefined : ctx.identity.userId;
    const subscription = activity.create(ctx.body, { ...(userId ? { userId } : {}) });
    return {
      status: 200,
      body: {
        data: { subscription, total_subscriptions_for_instance_id: total() },
        meta: { total_subscriptions: total() },
      },
    };
  });
  route('GET', '/2/activity/subscriptions', ANY, (ctx) => {
    const raw = ctx.url.searchParams.get('max_results');
    const max = raw === null ? 1000 : Number(raw);
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      throw invalidParam(
        'max_results',
        raw ?? '',
        `The \`max_results\` query parameter value [${raw}] is not between 1 and 1000`,
      );
    }
    const all = activity.list();
    const token = ctx.url.searchParams.get('pagination_token');
    const start = token
      ? Number(
          Buffer.from(token, 'base64url')
            .toString('utf8')
            .replace(/^offset:/, ''),
        ) || 0
      : 0;
    const page = all.slice(start, start + max);
    const next =
      start + max < all.length ? Buffer.from(`offset:${start + max}`.padEnd(16, ' ')).toString('base64url') : undefined;
    return {
      status: 200,
      body: { data: page, meta: { result_count: page.length, ...(next ? { next_token: next } : {}) } },
    };
  });
  route('PUT', '/2/activity/subscriptions/:subscription_id', APP, (ctx) => {
    const subscription = activity.update(ctx.params.subscription_id!, ctx.body);
    return { status: 200, body: { data: { subscription, total_subscriptions: total() } } };
  });
  route('DELETE', '/2/activity/subscriptions/:subscription_id', APP, (ctx) => {
    const deleted = activity.delete(ctx.params.subscription_id!);
    return { status: 200, body: { data: { deleted }, meta: { total_subscriptions: total() } } };
  });
  route('DELETE', '/2/activity/subscriptions', APP, (ctx) => {
    const ids = (ctx.url.searchParams.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length < 1 || ids.length > 100 || ids.some((id) => !ID_PATTERN.test(id))) {
      throw invalidParam('ids', ids.join(','), 'The `ids` query parameter must list 1 to 100 subscription ids');
    }
    let deleted = true;
    for (const id of ids) {
      try {
        activity.delete(id);
      } catch {
        deleted = false;
      }
    }
    return { status: 200, body: { data: { deleted }, meta: { total_subscriptions: total() } } };
  });
  route('GET', '/2/activity/stream', APP, (ctx) => {
    activity.connect(ctx.req, ctx.res, ctx.url, ctx.headers);
    return { status: 200, streamed: true };
  });
}
