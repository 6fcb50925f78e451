import type { AccountChecklist, ChannelList } from '@guichet/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';

/** The set-up checklist (F30) read from the sandbox brand's live profile, through the channel's connector. */
describe.each(TEST_DIALECTS)('account set-up checklist (%s)', (dialect) => {
  let app: TestApp;
  const { start, api, sandbox, brand } = deskClient(() => app);
  afterEach(async () => {
    await app.close();
  });
  const checklist = async (channelId: string) => {
    const response = await api<AccountChecklist>('GET', `/api/channels/${channelId}/checklist`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body;
  };
  const states = (list: AccountChecklist) => Object.fromEntries(list.items.map((i) => [i.id, i.state]));

  it('checks the profile X returns, and follows the account as it is edited', async () => {
    ({ app } = await start({ dialect }));
    const channelId = (await api<ChannelList>('GET', '/api/channels')).body.channels[0]!.id;

    const first = await checklist(channelId);
    expect(first.profile).toMatchObject({
      handle: 'acme_sav',
      description: 'Service client Acme, 7j/7 de 8h à 20h. Customer care, every day 8am–8pm.',
      url: 'https://aide.acme.example',
      pinnedPost: null,
    });
    expect(states(first)).toEqual({
      supportHandle: 'ok',
      bio: 'ok',
      helpLink: 'ok',
      dmsOpen: 'unknown',
      pinnedPost: 'todo',
      profilePicture: 'todo',
    });
    expect(first.items.find((i) => i.id === 'helpLink')).toMatchObject({ missing: ['settings'] });
    expect(first.bioFacts).toEqual({ helpCenterUrl: null, supportEmail: null, supportPhone: null, week: null });

    // The reply settings name another help centre, and the workspace has hours: both reach the checklist.
    await api('PUT', '/api/reply-settings', {
      timeZone: 'Europe/Paris',
      helpCenterUrl: 'https://support.acme.example/fr',
      supportEmail: 'sav@acme.example',
      supportPhone: null,
    });
    const week = [...Array.from({ length: 5 }, () => [{ start: '08:00', end: '20:00' }]), [], []];
    await api('PUT', '/api/sla/hours', { hours: { timeZone: 'Europe/Paris', week, holidays: [] } });
    const second = await checklist(channelId);
    expect(second.items.find((i) => i.id === 'helpLink')).toMatchObject({ state: 'todo', missing: ['helpCenter'] });
    expect(second.bioFacts).toMatchObject({ helpCenterUrl: 'https://support.acme.example/fr', week });

    // The brand pins a post with its hours and contacts, sets a picture and links the help centre.
    const pinned = sandbox().post(brand().id, {
      text: 'Le SAV Acme vous répond 7j/7 de 8h à 20h. En privé : DM ou sav@acme.example.',
    });
    sandbox().updateProfile(brand().id, {
      pinnedTweetId: pinned.id,
      profileImageUrl: 'https://pbs.twimg.com/profile_images/1/acme_normal.png',
      url: 'https://support.acme.example',
    });
    const third = await checklist(channelId);
    expect(third.profile.pinnedPost).toEqual({ id: pinned.id, text: pinned.text });
    expect(states(third)).toEqual({
      supportHandle: 'ok',
      bio: 'ok',
      helpLink: 'ok',
      dmsOpen: 'unknown',
      pinnedPost: 'ok',
      profilePicture: 'ok',
    });
  });

  it('is for leads and admins, on their own workspace’s channels', async () => {
    ({ app } = await start({ dialect }));
    const channelId = (await api<ChannelList>('GET', '/api/channels')).body.channels[0]!.id;
    const workspaceId = (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    await addAgent(app.deps, {
      workspaceId,
      email: 'agent@acme.test',
      name: 'Julie Dupont',
      role: 'agent',
      password: 'another long password',
    });
    const agent = await app.signIn({ email: 'agent@acme.test', password: 'another long password' });
    expect((await api('GET', `/api/channels/${channelId}/checklist`, undefined, agent)).status).toBe(403);
    expect((await api('GET', '/api/channels/nope/checklist')).status).toBe(404);
  });
});
