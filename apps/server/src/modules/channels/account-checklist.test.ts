import type { AccountProfile } from '@guichet/connectors';
import { describe, expect, it } from 'vitest';
import {
  accountChecklist,
  checkBio,
  checkHelpLink,
  checkPinnedPost,
  checkProfilePicture,
  checkSupportHandle,
  saysContact,
  saysHours,
  supportWordIn,
} from './account-checklist.ts';

const profile = (overrides: Partial<AccountProfile> = {}): AccountProfile => ({
  externalId: '1',
  handle: 'acme',
  name: 'Acme',
  description: '',
  url: null,
  descriptionUrls: [],
  profileImageUrl: null,
  verified: false,
  pinnedPost: null,
  ...overrides,
});

describe('account set-up checklist', () => {
  it('recognises a dedicated support handle in French and English, not words that only look like it', () => {
    for (const handle of [
      'acme_sav',
      'AcmeSupport',
      'AskAcme',
      'acmehelp',
      'Acme_Care',
      'HelpAcme',
      'acme_cs',
      'SAV_Acme',
      'AcmeService_FR',
    ]) {
      expect([handle, supportWordIn(handle)]).not.toEqual([handle, null]);
    }
    for (const handle of ['acme', 'AcmeCareers', 'savingsbank', 'acme_fr', 'caremark', 'Ask']) {
      expect([handle, supportWordIn(handle)]).toEqual([handle, null]);
    }
    expect(checkSupportHandle(profile({ handle: 'acme_sav' }))).toMatchObject({ state: 'ok', found: 'sav' });
    // A support name on a general handle: the handle is what people type and search for.
    expect(checkSupportHandle(profile({ handle: 'acme', name: 'Acme Support' }))).toMatchObject({
      state: 'todo',
      missing: ['handle'],
      found: 'support',
    });
  });

  it('wants a bio that says what the account is for and when it answers', () => {
    expect(checkBio(profile({ description: 'Service client Acme, 7j/7 de 8h à 20h.' }))).toMatchObject({
      state: 'ok',
      missing: [],
    });
    expect(checkBio(profile({ description: 'Customer care, Mon–Fri 9am–6pm CET.' }))).toMatchObject({ state: 'ok' });
    expect(checkBio(profile({ description: 'Acme, the coffee you deserve ☕' }))).toMatchObject({
      state: 'todo',
      missing: ['purpose', 'hours'],
    });
    expect(checkBio(profile({ description: 'Des questions ? On vous répond.' }))).toMatchObject({
      state: 'todo',
      missing: ['hours'],
    });
    expect(checkBio(profile({ description: '   ' }))).toMatchObject({ state: 'todo', missing: ['bio'] });
    for (const text of ['8h30', '8 h – 20 h', '09:00-18:00', '9am', '24/7', '24h/24', 'ouvert 7 jours', '9 heures']) {
      expect([text, saysHours(text)]).toEqual([text, true]);
    }
    for (const text of ['Acme depuis 1998', 'H&M', 'les 3 mousquetaires']) {
      expect([text, saysHours(text)]).toEqual([text, false]);
    }
  });

  it('looks for the help centre among the profile links', () => {
    const links = { url: 'https://www.aide.acme.example/fr', descriptionUrls: ['https://acme.example'] };
    expect(checkHelpLink(profile(links), 'https://aide.acme.example')).toMatchObject({
      state: 'ok',
      found: 'https://www.aide.acme.example/fr',
    });
    expect(checkHelpLink(profile({ url: 'https://acme.example' }), 'https://aide.acme.example')).toMatchObject({
      state: 'todo',
      missing: ['helpCenter'],
    });
    // Without the reply settings' link, any link counts, and the advice asks for the setting.
    expect(checkHelpLink(profile({ url: 'https://acme.example' }), null)).toMatchObject({
      state: 'ok',
      missing: ['settings'],
    });
    expect(checkHelpLink(profile(), 'https://aide.acme.example')).toMatchObject({ state: 'todo', missing: ['link'] });
  });

  it('wants a pinned post with hours and ways to reach the desk, and a real picture', () => {
    expect(checkPinnedPost(profile())).toMatchObject({ state: 'todo', missing: ['pinned'] });
    const good = 'Nous répondons 7j/7 de 8h à 20h. En privé : DM ou sav@acme.example, aide : https://aide.acme.example';
    expect(checkPinnedPost(profile({ pinnedPost: { externalId: '9', text: good } }))).toMatchObject({ state: 'ok' });
    expect(checkPinnedPost(profile({ pinnedPost: { externalId: '9', text: 'Nouvelle collection !' } }))).toMatchObject({
      state: 'todo',
      missing: ['hours', 'contact'],
    });
    for (const text of ['écrivez-nous en DM', 'par MP', 'sav@acme.fr', '+33 1 23 45 67 89', 'www.acme.fr/aide']) {
      expect([text, saysContact(text)]).toEqual([text, true]);
    }
    expect(saysContact('Bonne journée à tous')).toBe(false);
    const egg = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';
    expect(checkProfilePicture(profile({ profileImageUrl: egg }))).toMatchObject({ state: 'todo' });
    expect(checkProfilePicture(profile({ profileImageUrl: null }))).toMatchObject({ state: 'todo' });
    expect(
      checkProfilePicture(profile({ profileImageUrl: 'https://pbs.twimg.com/profile_images/1/acme_normal.png' })),
    ).toMatchObject({ state: 'ok' });
  });

  it('lists six items in a fixed order, DMs always to check by hand', () => {
    const items = accountChecklist(profile(), null);
    expect(items.map((i) => i.id)).toEqual([
      'supportHandle',
      'bio',
      'helpLink',
      'dmsOpen',
      'pinnedPost',
      'profilePicture',
    ]);
    expect(items.find((i) => i.id === 'dmsOpen')).toMatchObject({ state: 'unknown' });
  });
});
