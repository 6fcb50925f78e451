import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * The desk learns from its agents (F10): each correction of a case's type or priority is a label; leads
 * retrain the workspace's type model from the shipped data plus these labels and switch to it once its
 * figures are better. Model files live in the data folder; the table holds their path, hash and figures.
 * Rule actions made real (F11): a case held to another priority's SLA targets, and templates suggested.
 */
export const migration0010TriageLearning: Migration = {
  name: '0010-triage-learning',
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    await s
      .createTable('triage_labels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('case_id', 'text', (c) => c.references('cases.id').onDelete('set null'))
      .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('set null'))
      /** The customer's text as it was labelled: the label survives the message. */
      .addColumn('text', 'text', (c) => c.notNull())
      /** `type` (complaint/question/praise/other) or `priority` (1–4, as text). */
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('previous', 'text')
      .addColumn('agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await s
      .createIndex('triage_labels_workspace_idx')
      .on('triage_labels')
      .columns(['workspace_id', 'kind', 'created_at'])
      .execute();

    await s
      .createTable('triage_models')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      /** `training` → `ready` | `failed`. */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
      /** Absolute path of the `.ftz` file in the data folder; null until trained. */
      .addColumn('file', 'text')
      .addColumn('sha256', 'text')
      .addColumn('bytes', 'integer')
      /** JSON: examples per source and label, the corrections used and held out. */
      .addColumn('training', 'text')
      /** JSON: the current and the candidate model on the same held-out data. */
      .addColumn('metrics', 'text')
      .addColumn('error', 'text')
      .addColumn('requested_by', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint')
      .addColumn('activated_at', 'bigint')
      .execute();
    await s
      .createIndex('triage_models_workspace_idx')
      .on('triage_models')
      .columns(['workspace_id', 'created_at'])
      .execute();

    /** Set by the rule action "apply SLA policy": the priority whose targets the case's clocks use. */
    await s.alterTable('cases').addColumn('sla_priority', 'integer').execute();

    await s
      .createTable('case_template_suggestions')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('template_id', 'text', (c) => c.notNull().references('templates.id').onDelete('cascade'))
      .addColumn('rule_id', 'text', (c) => c.references('rules.id').onDelete('set null'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_template_suggestions_pk', ['case_id', 'template_id'])
      .execute();
  },
};
