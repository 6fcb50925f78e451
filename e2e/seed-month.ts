/**
 * A month of simulated desk traffic for the reports screens (F24–F26), written into a running desk's SQLite
 * database: `node --import tsx e2e/seed-month.ts <data dir>`. Cases arrive mostly in the day (Paris time),
 * busier on weekdays; agents in two teams answer most of them, some late (SLA clocks met and breached);
 * resolved cases are surveyed and some customers answer; X API spend per day against a budget; one outage
 * with its linked cases. Deterministic (seeded), and every case gets an event, as the desk would record.
 */
import path from 'node:path';
import { openDatabase } from '../apps/server/src/platform/db/database.ts';
import { newId } from '../apps/server/src/platform/ids.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMPLAINTS = [
  'Ma commande n’est toujours pas arrivée, ça fait 10 jours',
  'Impossible de payer sur le site, erreur à chaque fois',
  'Colis abîmé à la livraison, je veux un remboursement',
  'My order never arrived and nobody answers',
  'Le service client ne répond jamais 😡',
];
const QUESTIONS = [
  'Bonjour, vous livrez en Belgique ?',
  'Comment changer mon adresse de livraison ?',
  'Do you ship to Canada?',
  'Quels sont vos horaires le dimanche ?',
];
const PRAISE = ['Merci pour la livraison rapide !', 'Super accueil en magasin 👏', 'Great service, thanks!'];
const COMMENTS = [
  'merci, rapide et efficace',
  'réponse claire',
  'un peu long mais résolu',
  'great help',
  '<script>alert("x")</script> toujours pas remboursé',
  'parfait 👍',
];

async function main() {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('Usage: seed-month.ts <data dir>');
  const database = await openDatabase({ dialect: 'sqlite', file: path.join(dataDir, 'guichet.db') });
  const db = database.db;
  const rnd = random(2026);
  const now = Date.now();
  try {
    const workspace = await db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const ws = workspace.id;
    // Once per desk: a worker restarted by the test runner finds the month already there.
    const seeded = await db
      .selectFrom('teams')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('name', '=', 'Jour')
      .executeTakeFirst();
    if (seeded) {
      console.log('Seeded 0 cases over 31 days (already there).');
      return;
    }
    const channel = await db
      .selectFrom('channels')
      .select(['id', 'settings'])
      .where('workspace_id', '=', ws)
      .where('handle', '=', 'acme_sav')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('channels')
      .set({ settings: JSON.stringify({ ...JSON.parse(channel.settings), monthlyBudgetUsd: 40 }) })
      .where('id', '=', channel.id)
      .execute();

    // Two teams of agents, and the workspace's business hours (Monday to Friday, 9:00–18:00 in Paris).
    const teams: { id: string; name: string; agents: string[] }[] = [];
    const people = [
      ['Jour', ['Camille Martin', 'Lucas Bernard']],
      ['Soir', ['Inès Haddad', 'Hugo Petit']],
    ] as const;
    for (const [teamName, names] of people) {
      const teamId = newId(now);
      await db.insertInto('teams').values({ id: teamId, workspace_id: ws, name: teamName, created_at: now }).execute();
      const agents: string[] = [];
      for (const name of names) {
        const id = newId(now);
        await db
          .insertInto('agents')
          .values({
            id,
            workspace_id: ws,
            email: `${name.split(' ')[0]!.toLowerCase()}@acme.test`,
            name,
            role: 'agent',
            password_hash: 'not-a-password',
            locale: 'fr',
            time_zone: 'Europe/Paris',
            created_at: now,
            disabled_at: null,
          })
          .execute();
        await db.insertInto('team_members').values({ team_id: teamId, agent_id: id }).execute();
        agents.push(id);
      }
      teams.push({ id: teamId, name: teamName, agents });
    }
    const open = [{ start: '09:00', end: '18:00' }];
    await db.deleteFrom('business_hours').where('workspace_id', '=', ws).where('team_id', 'is', null).execute();
    await db
      .insertInto('business_hours')
      .values({
        id: newId(now),
        workspace_id: ws,
        team_id: null,
        time_zone: 'Europe/Paris',
        week: JSON.stringify([open, open, open, open, open, [], []]),
        holidays: '[]',
        updated_by: null,
        updated_at: now,
      })
      .execute();

    const contacts: { contactId: string; identityId: string; externalId: string }[] = [];
    for (let i = 0; i < 120; i++) {
      const contactId = newId(now);
      const identityId = newId(now);
      const externalId = String(9_100_000_000 + i);
      await db
        .insertInto('contacts')
        .values({ id: contactId, workspace_id: ws, name: `Client ${i + 1}`, created_at: now, updated_at: now })
        .execute();
      await db
        .insertInto('identities')
        .values({
          id: identityId,
          workspace_id: ws,
          contact_id: contactId,
          network: 'x',
          external_id: externalId,
          handle: `client_${i + 1}`,
          name: `Client ${i + 1}`,
          avatar_url: null,
          description: null,
          followers_count: Math.floor(rnd() * 2000),
          verified: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      contacts.push({ contactId, identityId, externalId });
    }

    // The outage: declared 9 days ago, resolved 8 days ago; complaints of that day are linked to it.
    const outageStart = now - 9 * DAY;
    const incidentId = newId(outageStart);
    await db
      .insertInto('incidents')
      .values({
        id: incidentId,
        workspace_id: ws,
        title: 'Panne du paiement en ligne',
        description: 'Les paiements par carte échouent sur le site.',
        keywords: JSON.stringify(['paiement', 'payer', 'carte']),
        channel_id: null,
        status_post_text: null,
        status_post_id: null,
        resolution_text: 'Le paiement fonctionne à nouveau. Merci de votre patience.',
        status: 'resolved',
        declared_by_agent_id: null,
        declared_at: outageStart,
        resolved_by_agent_id: null,
        resolved_at: outageStart + DAY,
        updated_at: outageStart + DAY,
      })
      .execute();

    const targets: Record<number, number> = { 1: 30 * MIN, 2: HOUR, 3: 4 * HOUR, 4: 8 * HOUR };
    const start = Math.floor((now - 31 * DAY) / DAY) * DAY;
    let cases = 0;
    for (let day = start; day < now; day += DAY) {
      const weekday = new Date(day).getUTCDay();
      const volume = Math.round((weekday === 0 || weekday === 6 ? 18 : 42) * (0.8 + rnd() * 0.4));
      // X API spend of the day (reads of mentions and DMs, a few searches).
      await db
        .insertInto('channel_usage')
        .values({
          channel_id: channel.id,
          day: new Date(day).toISOString().slice(0, 10),
          category: 'posts_read',
          units: volume * 4,
          cost_micros: Math.round(volume * 4 * 5_000 * (0.8 + rnd() * 0.6)),
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['channel_id', 'day', 'category']).doNothing())
        .execute();
      for (let i = 0; i < volume; i++) {
        // Paris daytime, mostly: 7:00 to 22:00 local, i.e. 6:00 to 21:00 UTC in winter.
        const openedAt = day + Math.floor((6 + rnd() * rnd() * 15 + rnd() * 2) * HOUR) + Math.floor(rnd() * HOUR);
        if (openedAt >= now - 10 * MIN) continue;
        const duringOutage = openedAt >= outageStart && openedAt < outageStart + DAY && rnd() < 0.6;
        const kind = duringOutage ? 0 : rnd();
        const type = kind < 0.5 ? 'complaint' : kind < 0.8 ? 'question' : kind < 0.92 ? 'praise' : 'other';
        const lang = rnd() < 0.72 ? 'fr' : 'en';
        const text = duringOutage
          ? 'Impossible de payer avec ma carte sur le site !'
          : type === 'complaint'
            ? COMPLAINTS[Math.floor(rnd() * COMPLAINTS.length)]!
            : type === 'praise'
              ? PRAISE[Math.floor(rnd() * PRAISE.length)]!
              : QUESTIONS[Math.floor(rnd() * QUESTIONS.length)]!;
        const sentiment = type === 'complaint' ? 'negative' : type === 'praise' ? 'positive' : 'neutral';
        const priority = duringOutage ? 1 : type === 'complaint' ? (rnd() < 0.3 ? 1 : 2) : type === 'question' ? 3 : 4;
        const hourUtc = new Date(openedAt).getUTCHours();
        const team = teams[hourUtc < 15 ? 0 : 1]!;
        const agent = team.agents[Math.floor(rnd() * team.agents.length)]!;
        const answered = type === 'praise' ? rnd() < 0.4 : rnd() < 0.88;
        const offHours = weekday === 0 || weekday === 6 || hourUtc >= 17;
        const wait = Math.floor(
          (offHours ? 2 * HOUR + rnd() * 10 * HOUR : 3 * MIN + rnd() * rnd() * 90 * MIN) * (duringOutage ? 2 : 1),
        );
        const firstResponseAt = answered && openedAt + wait < now ? openedAt + wait : null;
        const resolvedAt =
          firstResponseAt !== null && rnd() < 0.8
            ? Math.min(now - MIN, firstResponseAt + Math.floor(rnd() * 6 * HOUR))
            : null;
        const who = contacts[Math.floor(rnd() * contacts.length)]!;
        const caseId = newId(openedAt);
        const conversationId = newId(openedAt);
        await db
          .insertInto('conversations')
          .values({
            id: conversationId,
            workspace_id: ws,
            channel_id: channel.id,
            visibility: 'public',
            external_id: `seed-${conversationId}`,
            created_at: openedAt,
          })
          .execute();
        const posts: { at: number; direction: 'inbound' | 'outbound' }[] = [{ at: openedAt, direction: 'inbound' }];
        if (firstResponseAt !== null) {
          posts.push({ at: firstResponseAt, direction: 'outbound' });
          if (rnd() < 0.35 && firstResponseAt + 40 * MIN < now) {
            const again = firstResponseAt + Math.floor(rnd() * 30 * MIN);
            posts.push({ at: again, direction: 'inbound' });
            posts.push({ at: again + Math.floor(rnd() * 60 * MIN) + MIN, direction: 'outbound' });
          }
        }
        const last = posts[posts.length - 1]!.at;
        const lastInbound = [...posts].reverse().find((p) => p.direction === 'inbound')!.at;
        await db
          .insertInto('cases')
          .values({
            id: caseId,
            workspace_id: ws,
            channel_id: channel.id,
            contact_id: who.contactId,
            status: resolvedAt !== null ? 'resolved' : 'open',
            priority,
            type,
            priority_reason: null,
            assignee_agent_id: firstResponseAt !== null || rnd() < 0.5 ? agent : null,
            team_id: team.id,
            preview: text,
            message_count: posts.length,
            opened_at: openedAt,
            last_message_at: last,
            last_inbound_at: lastInbound,
            first_response_at: firstResponseAt,
            resolved_at: resolvedAt,
            updated_at: last,
          })
          .execute();
        await db
          .insertInto('case_conversations')
          .values({ case_id: caseId, conversation_id: conversationId, linked_at: openedAt })
          .execute();
        let lastInboundId = '';
        for (const post of posts) {
          const id = newId(post.at);
          if (post.direction === 'inbound') lastInboundId = id;
          await db
            .insertInto('messages')
            .values({
              id,
              workspace_id: ws,
              channel_id: channel.id,
              conversation_id: conversationId,
              direction: post.direction,
              visibility: 'public',
              kind: post.direction === 'inbound' ? 'mention' : 'reply',
              external_id: `seed-${id}`,
              author_identity_id: post.direction === 'inbound' ? who.identityId : null,
              author_agent_id: post.direction === 'outbound' ? agent : null,
              text: post.direction === 'inbound' ? `@acme_sav ${text}` : 'Bonjour, nous regardons cela tout de suite.',
              lang: post.direction === 'inbound' ? lang : 'fr',
              created_at: post.at,
              recorded_at: post.at,
              delivery_status: post.direction === 'outbound' ? 'sent' : null,
              delivery_attempts: post.direction === 'outbound' ? 1 : 0,
              type: post.direction === 'inbound' ? type : null,
              sentiment: post.direction === 'inbound' ? sentiment : null,
              priority: post.direction === 'inbound' ? priority : null,
            })
            .execute();
        }
        // The first-response SLA clock: met when answered in time, breached when late or still waiting.
        const target = targets[priority]!;
        const due = openedAt + target;
        const breached = firstResponseAt === null ? due < now : firstResponseAt > due;
        await db
          .insertInto('sla_clocks')
          .values({
            id: newId(openedAt),
            workspace_id: ws,
            case_id: caseId,
            metric: 'first_response',
            priority,
            target_ms: target,
            business_hours: 0,
            pause_when_pending: 0,
            pause_during_absence: 0,
            started_at: openedAt,
            due_at: firstResponseAt === null ? due : null,
            paused_at: null,
            remaining_ms: null,
            stopped_at: firstResponseAt,
            breached_at: breached ? due : null,
            updated_at: last,
          })
          .execute();
        if (duringOutage && type === 'complaint') {
          await db
            .insertInto('incident_cases')
            .values({
              incident_id: incidentId,
              case_id: caseId,
              workspace_id: ws,
              linked_by: 'rule',
              linked_by_agent_id: null,
              linked_at: openedAt + MIN,
              reply_message_id: null,
              reply_error: null,
            })
            .execute();
        }
        // Satisfaction survey 10 minutes after the resolution; about a third answer within the hour.
        if (resolvedAt !== null && resolvedAt + 10 * MIN < now) {
          const sentAt = resolvedAt + 10 * MIN;
          const surveyId = newId(sentAt);
          await db
            .insertInto('messages')
            .values({
              id: surveyId,
              workspace_id: ws,
              channel_id: channel.id,
              conversation_id: conversationId,
              direction: 'outbound',
              visibility: 'direct',
              kind: 'survey',
              external_id: `seed-${surveyId}`,
              in_reply_to_message_id: lastInboundId,
              text: 'Comment évalueriez-vous notre aide, de 1 à 5 ?',
              lang,
              created_at: sentAt,
              recorded_at: sentAt,
              delivery_status: 'sent',
              delivery_attempts: 1,
            })
            .execute();
          const answers = rnd() < 0.38 && sentAt + HOUR < now;
          const draw = rnd();
          const rating = draw < 0.05 ? 1 : draw < 0.12 ? 2 : draw < 0.25 ? 3 : draw < 0.55 ? 4 : 5;
          await db
            .insertInto('case_surveys')
            .values({
              case_id: caseId,
              workspace_id: ws,
              channel_id: channel.id,
              contact_id: who.contactId,
              message_id: surveyId,
              language: lang,
              sent_at: sentAt,
              rating: answers ? rating : null,
              comment: answers && rnd() < 0.4 ? COMMENTS[Math.floor(rnd() * COMMENTS.length)]! : null,
              answered_at: answers ? sentAt + Math.floor(rnd() * HOUR) : null,
              answer_message_id: null,
            })
            .execute();
        }
        await db
          .insertInto('events')
          .values({
            id: newId(now),
            workspace_id: ws,
            type: 'case.imported',
            case_id: caseId,
            subject_id: null,
            actor_type: 'system',
            actor_id: null,
            payload: JSON.stringify({ source: 'e2e-month' }),
            occurred_at: now,
          })
          .execute();
        cases += 1;
      }
    }
    console.log(`Seeded ${cases} cases over 31 days.`);
  } finally {
    await database.close();
  }
}

await main();
