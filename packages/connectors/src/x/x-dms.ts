import type {
  FetchMentionsRequest,
  FetchResult,
  InboundItem,
  NetworkAccount,
  PublishedPost,
  SendDirectMessageRequest,
} from '../connector.ts';
import type { XClient, XDmEvent, XUser } from './x-client.ts';
import type { XMedia } from './x-media.ts';
import { mapXLinks, mediaByKeys } from './x-media.ts';
import { mapXUser, sameText, snowflakeDate } from './x-mappers.ts';
import { sameMedia, withoutMediaLink } from './x-outgoing-media.ts';

const DM_PAGE_SIZE = 100;

export function xConversationUrl(dmConversationId: string): string {
  return `https://x.com/messages/${dmConversationId}`;
}

const newerThan = (id: string, than: string) => BigInt(id) > BigInt(than);

/**
 * The DM feed's cursor: the newest event id stored (a fetch reads down to it), or, when a fetch ran out of pages
 * before reaching it, `dmgap:<that id>:<X's page token>:<newest id read>` — the next fetch reads on from the
 * token down to the id, then the cursor becomes the newest id read.
 */
const DM_GAP = 'dmgap';
function parseDmCursor(cursor: string | null | undefined): { lower?: string; token?: string; newest?: string } {
  if (!cursor) return {};
  if (!cursor.startsWith(`${DM_GAP}:`)) return { lower: cursor };
  // The ids are digits; the token, between them, is X's own and may hold anything.
  const [, lower, ...rest] = cursor.split(':');
  const newest = rest.pop();
  const token = rest.join(':');
  return lower && token && newest ? { lower, token, newest } : {};
}

function mapDmEvent(event: XDmEvent, users: XUser[], included: XMedia[] | undefined): InboundItem {
  const sender = users.find((u) => u.id === event.sender_id);
  const author: NetworkAccount = sender
    ? mapXUser(sender)
    : {
        externalId: event.sender_id ?? 'unknown',
        handle: event.sender_id ?? 'unknown',
        name: event.sender_id ?? 'unknown',
      };
  const conversation = event.dm_conversation_id ?? event.sender_id ?? event.id;
  const keys = event.attachments?.media_keys ?? [];
  // DM media sit behind the account's credentials (ton.twitter.com): marked private for the desk.
  const urls = event.urls ?? event.entities?.urls;
  const media = mediaByKeys(keys, included, { private: true, urls });
  const links = mapXLinks(urls);
  return {
    kind: 'direct_message',
    visibility: 'direct',
    externalId: event.id,
    conversationExternalId: conversation,
    author,
    text: event.text ?? '',
    createdAt: event.created_at ? new Date(event.created_at) : snowflakeDate(event.id),
    url: xConversationUrl(conversation),
    ...(media.length ? { media } : {}),
    ...(links.length ? { links } : {}),
    raw: {
      event,
      sender: sender ?? null,
      ...(keys.length ? { media: (included ?? []).filter((m) => m.media_key && keys.includes(m.media_key)) } : {}),
    },
  };
}

/**
 * Direct messages on X (contract §9). GET /2/dm_events has no since_id: it pages newest first, so a fetch
 * reads until it meets the cursor (the newest event id already stored). The limit is 15 requests per
 * 15 minutes per user, so callers poll this feed far less often than mentions.
 */
export function createXDirectMessages(deps: {
  client: XClient;
  whoAmI: () => Promise<NetworkAccount>;
  pageBudget: number;
  guarded: <T>(work: () => Promise<T>) => Promise<T>;
}) {
  const { client, whoAmI, guarded } = deps;

  async function fetchDirectMessages(request: FetchMentionsRequest): Promise<FetchResult> {
    const me = await whoAmI();
    const cursor = parseDmCursor(request.cursor);
    return guarded(async () => {
      const items: InboundItem[] = [];
      let newest = cursor.newest;
      let token = cursor.token;
      let complete = false;
      pages: for (let page = 0; page < deps.pageBudget; page++) {
        const res = await client.dmEvents({ paginationToken: token, maxResults: DM_PAGE_SIZE });
        for (const event of res.data) {
          if (newest === undefined || newerThan(event.id, newest)) newest = event.id;
          if (cursor.lower && !newerThan(event.id, cursor.lower)) {
            complete = true;
            break pages;
          }
          const createdAt = event.created_at ? new Date(event.created_at) : snowflakeDate(event.id);
          if (!cursor.lower && request.backfillSince && createdAt < request.backfillSince) {
            complete = true;
            break pages;
          }
          // Our own messages (sent from the desk or the X app) are not inbound work.
          if (event.event_type !== 'MessageCreate' || event.sender_id === me.externalId) continue;
          items.push(mapDmEvent(event, res.includes.users, res.includes.media));
        }
        token = res.meta.nextToken;
        if (!token) {
          complete = true;
          break;
        }
      }
      items.sort((a, b) => (BigInt(a.externalId) < BigInt(b.externalId) ? -1 : 1));
      // Out of pages before meeting the stored cursor: more DMs came than one fetch reads. Moving the cursor
      // to the newest would skip the ones between (issue 15); the next fetch goes on from X's page token.
      if (!complete && cursor.lower && token && newest) {
        return { items, nextCursor: `${DM_GAP}:${cursor.lower}:${token}:${newest}` };
      }
      const nextCursor = newest && (!cursor.lower || newerThan(newest, cursor.lower)) ? newest : null;
      return { items, nextCursor };
    });
  }

  async function sendDirectMessage(request: SendDirectMessageRequest): Promise<PublishedPost> {
    return guarded(async () => {
      const sent = await client.sendDm(request.recipientExternalId, request.text, request.mediaIds);
      return {
        externalId: sent.dmEventId,
        createdAt: snowflakeDate(sent.dmEventId),
        url: xConversationUrl(sent.dmConversationId),
      };
    });
  }

  async function findSentDirectMessage(
    request: SendDirectMessageRequest & { since: Date },
  ): Promise<PublishedPost | null> {
    const me = await whoAmI();
    return guarded(async () => {
      let token: string | undefined;
      for (let page = 0; page < deps.pageBudget; page++) {
        const res = await client.dmEventsWith(request.recipientExternalId, {
          paginationToken: token,
          maxResults: DM_PAGE_SIZE,
        });
        for (const event of res.data) {
          const createdAt = event.created_at ? new Date(event.created_at) : snowflakeDate(event.id);
          if (createdAt < request.since) return null;
          const keys = event.attachments?.media_keys;
          const text = event.text ?? '';
          if (
            event.sender_id === me.externalId &&
            sameText([text, withoutMediaLink(text, Boolean(keys?.length))], request.text) &&
            sameMedia(keys, request.mediaIds)
          ) {
            return {
              externalId: event.id,
              createdAt,
              url: xConversationUrl(event.dm_conversation_id ?? ''),
            };
          }
        }
        token = res.meta.nextToken;
        if (!token) break;
      }
      return null;
    });
  }

  return { fetchDirectMessages, sendDirectMessage, findSentDirectMessage };
}
