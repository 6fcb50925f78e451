import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  ApiError,
  ApplyMacroResult,
  CaseDetail,
  CaseList,
  Message,
  StarterLibraryResult,
  Template,
  TemplateFolder,
  TemplateFolderList,
  TemplateList,
} from '@guichet/contracts';
import { addAgent } from '../src/modules/agents/agents.commands.ts';
import type { ManualClock } from '../src/platform/clock.ts';
import { deskClient } from './api-client.ts';
import { TEST_DIALECTS } from './databases.ts';
import type { TestApp } from './test-app.ts';

/**
 * Macros (issue 13, item 6): a saved reply that also tags, sets status, priority and assignee, applied by
 * the server once per key (a retried reply changes nothing twice), audited and shown in the case history;
 * folders of saved replies; the starter library, whose second import adds nothing.
 */
describe.each(TEST_DIALECTS)('macros, folders and the starter library (%s)', (dialect) => {
  let app: TestApp;
  let clock: ManualClock;
  const { start, api, mention, sandbox, brand } = deskClient(() => app);
  beforeEach(async () => {
    ({ app, clock } = await start({ dialect }));
  });
  afterEach(async () => {
    await app.close();
  });

  const detail = async (caseId: string) => (await api<CaseDetail>('GET', `/api/cases/${caseId}`)).body;
  const auditActions = async (action: string) =>
    (await app.deps.db.selectFrom('audit_log').select('action').where('action', '=', action).execute()).length;
  const workspaceId = async () =>
    (await app.deps.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;

  async function customerCase() {
    mention('camille_durand', '@acme_sav Mon colis est arrivé cassé, je veux un remboursement', 'Camille Durand');
    clock.advanceBy(1000);
    await app.pollAndWork();
    return (await api<CaseList>('GET', '/api/cases')).body.cases[0]!.id;
  }

  async function agent(name: string, role: 'agent' | 'lead') {
    const email = `${name.toLowerCase().replace(/\W/g, '')}@acme.test`;
    const added = await addAgent(app.deps, {
      workspaceId: await workspaceId(),
      email,
      name,
      role,
      password: 'a long enough password',
    });
    return { id: added.id, cookie: await app.signIn({ email: added.email, password: added.password }) };
  }

  const refundMacro = {
    name: 'Remboursement',
    shortcut: 'rembourse',
    language: 'fr',
    body: '{{greeting}} {{customer.firstName}}, le remboursement est lancé.',
    effects: { tags: ['remboursement'], status: 'pending', priority: 2, assignee: 'me' },
  };

  it('applies a macro with its reply once: tag, status, priority, assignee, history and audit', async () => {
    const caseId = await customerCase();
    const created = await api<Template>('POST', '/api/templates', refundMacro);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.effects).toEqual(refundMacro.effects);

    const request = {
      text: 'Bonjour Camille, le remboursement est lancé. ^A',
      idempotencyKey: 'macro-reply-0001',
      macroId: created.body.id,
    };
    const sent = await api<Message>('POST', `/api/cases/${caseId}/replies`, request);
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    // The same request again (a retry): the same reply, and the macro is not applied a second time.
    const retried = await api<Message>('POST', `/api/cases/${caseId}/replies`, request);
    expect(retried.body.id).toBe(sent.body.id);
    await app.pollAndWork();
    expect(sandbox().listTweets({ authorId: brand().id })).toHaveLength(1);

    const after = await detail(caseId);
    const admin = (await app.deps.db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
    expect(after.case.status).toBe('pending');
    expect(after.case.priority).toBe(2);
    expect(after.case.assignee?.id).toBe(admin);
    expect(after.case.tags.map((tag) => tag.name)).toEqual(['remboursement']);
    const types = after.history.map((event) => event.type);
    expect(types.filter((type) => type === 'case.macro_applied')).toHaveLength(1);
    expect(types.filter((type) => type === 'case.tagged')).toHaveLength(1);
    expect(types).toContain('case.priority_changed');
    expect(types).toContain('case.status_changed');
    const applied = after.history.find((event) => event.type === 'case.macro_applied')!;
    expect(applied.payload).toMatchObject({ name: 'Remboursement' });
    expect(applied.payload.changes).toEqual(expect.arrayContaining(['tags', 'priority', 'status']));
    expect(await auditActions('macro.applied')).toBe(1);
  });

  it('applies a macro without a reply once per key; a plain saved reply has nothing to apply', async () => {
    const caseId = await customerCase();
    const macro = (
      await api<Template>('POST', '/api/templates', {
        ...refundMacro,
        effects: { tags: ['vip', 'livraison'], status: 'resolved', priority: null, assignee: null },
      })
    ).body;
    const first = await api<ApplyMacroResult>('POST', `/api/cases/${caseId}/macros/${macro.id}`, { key: 'click-0001' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ applied: true, changes: ['tags', 'status'] });
    const twice = await api<ApplyMacroResult>('POST', `/api/cases/${caseId}/macros/${macro.id}`, { key: 'click-0001' });
    expect(twice.body).toEqual({ applied: false, changes: [] });
    const after = await detail(caseId);
    expect(after.case.status).toBe('resolved');
    expect(after.case.tags.map((tag) => tag.name)).toEqual(['livraison', 'vip']);
    expect(after.history.filter((event) => event.type === 'case.macro_applied')).toHaveLength(1);
    // A new key applies it again; everything is already in place, so nothing changes but the history line.
    const again = await api<ApplyMacroResult>('POST', `/api/cases/${caseId}/macros/${macro.id}`, { key: 'click-0002' });
    expect(again.body).toEqual({ applied: true, changes: [] });

    const plain = (await api<Template>('POST', '/api/templates', { ...refundMacro, shortcut: 'plain', effects: null }))
      .body;
    expect(plain.effects).toBeNull();
    const refused = await api<ApiError>('POST', `/api/cases/${caseId}/macros/${plain.id}`, { key: 'click-0003' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('macro.no_effects');
  });

  it('refuses a reply whose macro names a removed agent before anything is sent', async () => {
    const caseId = await customerCase();
    const julie = await agent('Julie Martin', 'agent');
    const macro = (
      await api<Template>('POST', '/api/templates', {
        ...refundMacro,
        effects: { tags: [], status: null, priority: null, assignee: julie.id },
      })
    ).body;
    // Removed from the team after the macro was written.
    await app.deps.db
      .updateTable('agents')
      .set({ disabled_at: clock.now().getTime() })
      .where('id', '=', julie.id)
      .execute();
    const refused = await api<ApiError>('POST', `/api/cases/${caseId}/replies`, {
      text: 'Bonjour Camille. ^A',
      macroId: macro.id,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('agent.not_found');
    await app.pollAndWork();
    expect(sandbox().listTweets({ authorId: brand().id })).toHaveLength(0);
    expect((await detail(caseId)).messages.filter((m) => m.direction === 'outbound')).toHaveLength(0);
  });

  it('keeps saved replies in folders: create, rename, move, delete; only leads and admins write', async () => {
    const folder = await api<TemplateFolder>('POST', '/api/template-folders', { name: 'Livraison' });
    expect(folder.status).toBe(201);
    expect((await api<ApiError>('POST', '/api/template-folders', { name: 'Livraison' })).status).toBe(409);
    const renamed = await api<TemplateFolder>('PUT', `/api/template-folders/${folder.body.id}`, { name: 'Colis' });
    expect(renamed.body).toEqual({ id: folder.body.id, name: 'Colis' });

    const template = (await api<Template>('POST', '/api/templates', { ...refundMacro, effects: null })).body;
    expect(template.folderId).toBeNull();
    const moved = await api<Template>('PUT', `/api/templates/${template.id}/folder`, { folderId: folder.body.id });
    expect(moved.body.folderId).toBe(folder.body.id);
    const missing = await api<ApiError>('PUT', `/api/templates/${template.id}/folder`, { folderId: 'nope' });
    expect(missing.status).toBe(404);

    const julie = await agent('Julie Martin', 'agent');
    expect((await api('POST', '/api/template-folders', { name: 'Autre' }, julie.cookie)).status).toBe(403);
    expect(
      (await api<TemplateFolderList>('GET', '/api/template-folders', undefined, julie.cookie)).body.folders,
    ).toEqual([{ id: folder.body.id, name: 'Colis' }]);

    expect((await api('DELETE', `/api/template-folders/${folder.body.id}`)).status).toBe(204);
    const listed = (await api<TemplateList>('GET', '/api/templates')).body.templates;
    expect(listed.find((t) => t.id === template.id)?.folderId).toBeNull();
    expect((await api<TemplateFolderList>('GET', '/api/template-folders')).body.folders).toEqual([]);
    expect(await auditActions('template_folder.deleted')).toBe(1);
  });

  it('imports the starter library in French and English once; a second import adds nothing', async () => {
    // A lead's own /merci is kept; the library's takes the next free shortcut.
    await api('POST', '/api/templates', { ...refundMacro, shortcut: 'merci', effects: null });
    const first = await api<StarterLibraryResult>('POST', '/api/templates/starter-library', {
      folderName: 'Bibliothèque de départ',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ added: 12, kept: 0 });
    const second = await api<StarterLibraryResult>('POST', '/api/templates/starter-library', {
      folderName: 'Bibliothèque de départ',
    });
    expect(second.body).toEqual({ added: 0, kept: 12 });

    const templates = (await api<TemplateList>('GET', '/api/templates')).body.templates;
    expect(templates).toHaveLength(13);
    const folders = (await api<TemplateFolderList>('GET', '/api/template-folders')).body.folders;
    expect(folders.map((f) => f.name)).toEqual(['Bibliothèque de départ']);
    const starter = templates.filter((t) => t.folderId === folders[0]!.id);
    expect(starter.filter((t) => t.language === 'fr')).toHaveLength(6);
    expect(starter.filter((t) => t.language === 'en')).toHaveLength(6);
    expect(starter.map((t) => t.shortcut)).toContain('merci-fr');
    expect(starter.find((t) => t.shortcut === 'thanks')?.effects).toMatchObject({ status: 'resolved' });
    // Deleting one and importing again brings back that one only.
    const dm = starter.find((t) => t.shortcut === 'dm')!;
    expect((await api('DELETE', `/api/templates/${dm.id}`)).status).toBe(204);
    const third = await api<StarterLibraryResult>('POST', '/api/templates/starter-library', { folderName: 'X' });
    expect(third.body).toEqual({ added: 1, kept: 11 });
    expect(await auditActions('template.starter_imported')).toBe(2);
  });
});
