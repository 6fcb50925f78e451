import type { Kysely } from 'kysely';
import type { Migration } from '../registry.ts';

/**
 * The core vocabulary. Only types both dialects share: text, integer, bigint (times in ms).
 */
export const migration0001Core: Migration = {
  name: '0001-core',
  async up(db: Kysely<unknown>) {
    const s = db.schema;

    await s
      .createTable('workspaces')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await s
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('locale', 'text')
      .addColumn('time_zone', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .execute();
    await s.createIndex('agents_workspace_idx').on('agents').column('workspace_id').execute();

    await s
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('sessions_agent_idx').on('sessions').column('agent_id').execute();

    await s
      .createTable('teams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('teams_workspace_name_unique', ['workspace_id', 'name'])
      .execute();

    await s
      .createTable('team_members')
      .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'agent_id'])
      .execute();

    await s
      .createTable('channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('network', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('handle', 'text', (c) => c.notNull())
      .addColumn('external_account_id', 'text')
      .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('credentials', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_detail', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('channels_workspace_idx').on('channels').column('workspace_id').execute();

    await s
      .createTable('cursors')
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('feed', 'text', (c) => c.notNull())
      .addColumn('value', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('cursors_pk', ['channel_id', 'feed'])
      .execute();

    await s
      .createTable('contacts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('contacts_workspace_idx').on('contacts').column('workspace_id').execute();

    await s
      .createTable('identities')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('network', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('handle', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('avatar_url', 'text')
      .addColumn('description', 'text')
      .addColumn('followers_count', 'integer')
      .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('identities_network_external_unique', ['workspace_id', 'network', 'external_id'])
      .execute();
    await s.createIndex('identities_contact_idx').on('identities').column('contact_id').execute();

    await s
      .createTable('conversations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('conversations_external_unique', ['channel_id', 'visibility', 'external_id'])
      .execute();

    await s
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('direction', 'text', (c) => c.notNull())
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('in_reply_to_external_id', 'text')
      .addColumn('in_reply_to_message_id', 'text')
      .addColumn('author_identity_id', 'text', (c) => c.references('identities.id').onDelete('set null'))
      .addColumn('author_agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('lang', 'text')
      .addColumn('url', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .addColumn('delivery_status', 'text')
      .addColumn('delivery_error', 'text')
      .addColumn('delivery_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('idempotency_key', 'text', (c) => c.unique())
      .addColumn('raw', 'text')
      // Dedupe by network item: the same post fetched twice (poll overlap, stream + poll) is stored once.
      .addUniqueConstraint('messages_external_unique', ['channel_id', 'external_id'])
      .execute();
    await s
      .createIndex('messages_conversation_idx')
      .on('messages')
      .columns(['conversation_id', 'created_at'])
      .execute();
    await s.createIndex('messages_delivery_idx').on('messages').column('delivery_status').execute();

    await s
      .createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('channel_id', 'text', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer')
      .addColumn('assignee_agent_id', 'text', (c) => c.references('agents.id').onDelete('set null'))
      .addColumn('team_id', 'text', (c) => c.references('teams.id').onDelete('set null'))
      .addColumn('preview', 'text', (c) => c.notNull())
      .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addColumn('last_message_at', 'bigint', (c) => c.notNull())
      .addColumn('last_inbound_at', 'bigint')
      .addColumn('first_response_at', 'bigint')
      .addColumn('resolved_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // The inbox: a workspace's cases by status, newest activity first; plus "mine" and a contact's history.
    await s.createIndex('cases_inbox_idx').on('cases').columns(['workspace_id', 'status', 'last_message_at']).execute();
    await s.createIndex('cases_recent_idx').on('cases').columns(['workspace_id', 'last_message_at']).execute();
    await s
      .createIndex('cases_assignee_idx')
      .on('cases')
      .columns(['assignee_agent_id', 'status', 'last_message_at'])
      .execute();
    await s.createIndex('cases_contact_idx').on('cases').columns(['contact_id', 'status']).execute();

    await s
      .createTable('case_conversations')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
      .addColumn('linked_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('case_conversations_pk', ['case_id', 'conversation_id'])
      .execute();
    await s
      .createIndex('case_conversations_conversation_idx')
      .on('case_conversations')
      .column('conversation_id')
      .execute();

    await s
      .createTable('notes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.references('cases.id').onDelete('cascade'))
      .addColumn('contact_id', 'text', (c) => c.references('contacts.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('notes_case_idx').on('notes').column('case_id').execute();
    await s.createIndex('notes_contact_idx').on('notes').column('contact_id').execute();

    await s
      .createTable('tags')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('color', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('tags_workspace_name_unique', ['workspace_id', 'name'])
      .execute();

    await s
      .createTable('case_tags')
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id').onDelete('cascade'))
      .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('case_tags_pk', ['case_id', 'tag_id'])
      .execute();
    await s.createIndex('case_tags_tag_idx').on('case_tags').column('tag_id').execute();

    await s
      .createTable('contact_tags')
      .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
      .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('contact_tags_pk', ['contact_id', 'tag_id'])
      .execute();

    await s
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('workspace_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.references('cases.id').onDelete('cascade'))
      .addColumn('subject_id', 'text')
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('events_case_idx').on('events').columns(['case_id', 'occurred_at']).execute();
    await s.createIndex('events_type_idx').on('events').columns(['workspace_id', 'type', 'occurred_at']).execute();

    await s
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('dedupe_key', 'text', (c) => c.unique())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await s.createIndex('jobs_due_idx').on('jobs').columns(['run_at']).execute();
  },
};
