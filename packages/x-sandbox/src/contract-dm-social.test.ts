/**
 * Contract tests (see contract-kit.ts): direct messages, likes, reposts and followers, called through
 * twitter-api-v2 and validated against the v2.166 spec by openapi-backend.
 */
import { describe, expect, it } from 'vitest';
import { apiError, contractHarness, firstError, USER_FIELDS } from './contract-kit.ts';

const { client, start } = contractHarness({
  expectCoverage: {
    getDirectMessagesEvents: [200, 400, 403],
    getDirectMessagesEventsByParticipantId: [200, 400],
    getDirectMessagesEventsByConversationId: [200, 400],
    createDirectMessagesByParticipantId: [201, 400, 403],
    createDirectMessagesByConversationId: [201, 400, 403],
    likePost: [200, 400, 403],
    unlikePost: [200, 400, 403],
    repostPost: [200, 400, 403],
    unrepostPost: [200, 400, 403],
    getUsersFollowers: [200, 400],
  },
});

const DM_FIELDS = {
  'dm_event.fields': 'id,text,event_type,created_at,dm_conversation_id,sender_id,participant_ids,referenced_tweets',
  expansions: 'sender_id,participant_ids,referenced_tweets.id',
  'user.fields': USER_FIELDS,
};

describe('contract: direct messages', () => {
  it('sends to a participant and in a conversation (201), lists all, per participant and per conversation', async () => {
    const { sb, brand, camille } = await start();
    const first = sb.sendDm(camille.user.id, brand.user.id, 'Bonjour, où est mon remboursement ?');
    const v2 = client(brand.token).v2;
    const sent = await v2.sendDmToParticipant(camille.user.id, { text: 'Bonjour Camille, c’est fait.' });
    // X (and the spec) wrap the result in `data`; twitter-api-v2's type says it is flat.
    expect((sent as unknown as { data: { dm_conversation_id: string } }).data.dm_conversation_id).toBe(
      first.conversationId,
    );
    await client(brand.oauth1).v2.sendDmInConversation(first.conversationId, { text: 'Autre chose ?' });

    const all = await v2.listDmEvents({ ...DM_FIELDS, max_results: 2 } as never);
    expect(all.events).toHaveLength(2);
    expect(all.meta.next_token).toEqual(expect.any(String));
    await all.fetchNext(); // sends pagination_token
    expect(all.events).toHaveLength(3);
    expect(all.done).toBe(true);

    const withCamille = await v2.listDmEventsWithParticipant(camille.user.id, DM_FIELDS as never);
    expect(withCamille.events).toHaveLength(3);
    const byConversation = await v2.listDmEventsOfConversation(first.conversationId, {
      ...DM_FIELDS,
      event_types: 'MessageCreate',
    } as never);
    expect(byConversation.events).toHaveLength(3);
    // Empty results: only meta.
    const joins = await v2.get('dm_events', { event_types: 'ParticipantsJoin' });
    expect(joins).toEqual({ meta: { result_count: 0 } });
    const quiet = sb.createUser({ username: 'quiet_one', name: 'Quiet' });
    expect((await v2.listDmEventsWithParticipant(quiet.user.id)).events).toEqual([]);
    expect((await v2.listDmEventsOfConversation(`${brand.user.id}-${quiet.user.id}`)).events).toEqual([]);
  });

  it('403 to a user who does not accept DMs, outside one’s conversation, and with app-only auth', async () => {
    const { sb, brand, camille, app } = await start();
    const closed = sb.createUser({ username: 'private_pat', name: 'Pat', acceptsDms: 'following' });
    const v2 = client(brand.token).v2;
    const refused = await apiError(v2.sendDmToParticipant(closed.user.id, { text: 'Bonjour' }));
    expect([refused.code, refused.data.detail]).toEqual([403, 'You cannot send messages to this user.']);
    const stranger = await apiError(v2.sendDmInConversation(`${camille.user.id}-${closed.user.id}`, { text: 'hi' }));
    expect(stranger.code).toBe(403);
    for (const call of [
      app.v2.listDmEvents(),
      app.v2.sendDmToParticipant(camille.user.id, { text: 'Bonjour' }),
      app.v2.sendDmInConversation(`${brand.user.id}-${camille.user.id}`, { text: 'Bonjour' }),
    ]) {
      const err = await apiError(call);
      expect([err.code, err.data.title]).toEqual([403, 'Unsupported Authentication']);
    }
  });

  it('400 for an empty body, empty or over-long text, and invalid ids or parameters', async () => {
    const { brand, camille } = await start();
    const v2 = client(brand.token).v2;
    const conversation = `${brand.user.id}-${camille.user.id}`;
    expect((await apiError(v2.post(`dm_conversations/with/${camille.user.id}/messages`, {}))).code).toBe(400);
    expect((await apiError(v2.sendDmToParticipant(camille.user.id, { text: '' }))).code).toBe(400);
    const long = await apiError(v2.sendDmToParticipant(camille.user.id, { text: 'x'.repeat(10_001) }));
    expect(long.code).toBe(400);
    expect((await apiError(v2.post(`dm_conversations/${conversation}/messages`, {}))).code).toBe(400);
    expect((await apiError(v2.sendDmInConversation(conversation, { text: 'y'.repeat(10_001) }))).code).toBe(400);
    expect((await apiError(v2.sendDmToParticipant('not-an-id', { text: 'Bonjour' }))).code).toBe(400);
    expect((await apiError(v2.get('dm_events', { event_types: 'Nope' }))).code).toBe(400);
    expect((await apiError(v2.get('dm_events', { max_results: 101 }))).code).toBe(400);
    expect((await apiError(v2.listDmEventsWithParticipant('abc'))).code).toBe(400);
    expect((await apiError(v2.listDmEventsOfConversation('12-ab'))).code).toBe(400);
    expect(firstError(await apiError(v2.get('dm_events', { pagination_token: '!' }))).parameters).toEqual({
      pagination_token: ['!'],
    });
  });
});

describe('contract: likes and reposts', () => {
  it('likes and unlikes on the enterprise plan; reposts and undoes', async () => {
    const { sb, brand, camille } = await start({ plan: 'enterprise' });
    const post = sb.post(camille.user.id, { text: '@acme_support merci pour tout !' });
    const v2 = client(brand.token).v2;
    expect((await v2.like(brand.user.id, post.id)).data.liked).toBe(true);
    expect((await v2.like(brand.user.id, post.id)).data.liked).toBe(true);
    expect((await v2.unlike(brand.user.id, post.id)).data.liked).toBe(false);
    const oauth1 = client(brand.oauth1).v2;
    expect((await oauth1.retweet(brand.user.id, post.id)).data.retweeted).toBe(true);
    expect((await oauth1.unretweet(brand.user.id, post.id)).data.retweeted).toBe(false);
    expect((await oauth1.unretweet(brand.user.id, post.id)).data.retweeted).toBe(false);
  });

  it('403 for likes on the self-serve plan, for another user id, for app-only auth; 400 for bad ids', async () => {
    const { sb, brand, camille, app } = await start();
    const post = sb.post(camille.user.id, { text: '@acme_support bonjour' });
    const v2 = client(brand.token).v2;
    const selfServe = await apiError(v2.like(brand.user.id, post.id));
    expect([selfServe.code, selfServe.data.detail]).toEqual([
      403,
      'Likes via the API are not available on self-serve plans.',
    ]);
    expect((await apiError(v2.unlike(brand.user.id, post.id))).code).toBe(403);
    expect((await apiError(v2.retweet(camille.user.id, post.id))).code).toBe(403);
    expect((await apiError(v2.unretweet(camille.user.id, post.id))).code).toBe(403);
    for (const call of [
      app.v2.like(brand.user.id, post.id),
      app.v2.unlike(brand.user.id, post.id),
      app.v2.retweet(brand.user.id, post.id),
      app.v2.unretweet(brand.user.id, post.id),
    ]) {
      expect((await apiError(call)).data.title).toBe('Unsupported Authentication');
    }
    expect((await apiError(v2.retweet(brand.user.id, 'abc'))).code).toBe(400);
    expect((await apiError(v2.post(`users/${brand.user.id}/retweets`, {}))).code).toBe(400);
    expect((await apiError(v2.unretweet(brand.user.id, 'abc'))).code).toBe(400);
    expect((await apiError(v2.post(`users/${brand.user.id}/likes`, {}))).code).toBe(400);
    expect((await apiError(v2.unlike('abc', post.id))).code).toBe(400);
  });
});

describe('contract: GET /2/users/:id/followers', () => {
  it('pages with pagination_token, answers empty lists and unknown users, 400 for bad parameters', async () => {
    const { sb, brand, camille, app } = await start();
    sb.follow(camille.user.id, brand.user.id);
    for (let i = 0; i < 3; i++)
      sb.follow(sb.createUser({ username: `fan_${i}`, name: `Fan ${i}` }).user.id, brand.user.id);
    const first = await app.v2.followers(brand.user.id, {
      asPaginator: true,
      max_results: 3,
      'user.fields': USER_FIELDS.split(',') as never,
      expansions: ['pinned_tweet_id'],
    });
    expect(first.users).toHaveLength(3);
    expect(first.meta.next_token).toEqual(expect.any(String));
    await first.fetchNext();
    expect(first.users.map((u) => u.username).at(-1)).toBe('camille_durand');
    expect(first.done).toBe(true);
    expect(await client(brand.oauth1).v2.followers(camille.user.id)).toEqual({ meta: { result_count: 0 } });
    const unknown = await app.v2.get('users/123456789/followers');
    expect(unknown.errors?.[0]).toMatchObject({ resource_type: 'user', resource_id: '123456789' });

    expect((await apiError(app.v2.followers(brand.user.id, { max_results: 1001 }))).code).toBe(400);
    expect((await apiError(app.v2.followers('abc'))).code).toBe(400);
    expect((await apiError(app.v2.get(`users/${brand.user.id}/followers`, { pagination_token: '!' }))).code).toBe(400);
  });
});
