import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table shapes, one interface per table. Dialect-neutral on purpose: times are integer milliseconds since
 * the epoch (bigint in PostgreSQL, parsed back to number), booleans are 0/1 integers, JSON is text.
 * See docs/decisions/0003-dialect-neutral-storage.md.
 */

export interface WorkspacesTable {
  id: string;
  name: string;
  settings: string;
  created_at: number;
}

export interface AgentsTable {
  id: string;
  workspace_id: string;
  email: string;
  name: string;
  role: 'admin' | 'lead' | 'agent' | 'trainee';
  password_hash: string;
  locale: 'fr' | 'en' | null;
  time_zone: string | null;
  created_at: number;
  disabled_at: number | null;
  /** The signature the agent chose (`^JD`), else derived from the name (0018). */
  initials: string | null;
  /** JSON of booleans: desktop notifications and sound (0018). */
  notification_prefs: string | null;
  last_sign_in_at: number | null;
}

export interface SessionsTable {
  /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
  id: string;
  agent_id: string;
  workspace_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  /** Where the session started (0018), so the agent recognises it in their sessions list. */
  user_agent: string | null;
  ip: string | null;
}

/** One-time links that set an agent's password: an invitation or an admin's reset (0018). */
export interface AgentInvitationsTable {
  id: string;
  workspace_id: string;
  agent_id: string;
  kind: 'invite' | 'reset';
  /** SHA-256 of the link's token: the database alone never yields a usable link. */
  token_hash: string;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface TeamsTable {
  id: string;
  workspace_id: string;
  name: string;
  created_at: number;
}

export interface TeamMembersTable {
  team_id: string;
  agent_id: string;
}

export interface ChannelsTable {
  id: string;
  workspace_id: string;
  network: 'x' | 'bluesky' | 'mastodon';
  name: string;
  handle: string;
  external_account_id: string | null;
  /** Non-secret JSON settings (e.g. which API base URL). */
  settings: string;
  /** Secret JSON, encrypted with the workspace secret key (AES-256-GCM). */
  credentials: string | null;
  status: 'active' | 'paused' | 'failing';
  status_detail: string | null;
  created_at: number;
  updated_at: number;
}

export interface CursorsTable {
  channel_id: string;
  feed: string;
  value: string | null;
  updated_at: number;
}

export interface ContactsTable {
  id: string;
  workspace_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface IdentitiesTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  network: 'x' | 'bluesky' | 'mastodon';
  external_id: string;
  handle: string;
  name: string;
  avatar_url: string | null;
  description: string | null;
  followers_count: number | null;
  verified: number;
  created_at: number;
  updated_at: number;
}

export interface ConversationsTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  visibility: 'public' | 'direct';
  external_id: string;
  created_at: number;
}

export interface MessagesTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  conversation_id: string;
  direction: 'inbound' | 'outbound';
  visibility: 'public' | 'direct';
  kind: string;
  external_id: string | null;
  in_reply_to_external_id: string | null;
  in_reply_to_message_id: string | null;
  author_identity_id: string | null;
  author_agent_id: string | null;
  text: string;
  lang: string | null;
  url: string | null;
  /** When it happened on the network (or when the agent sent it). */
  created_at: number;
  /** When the desk stored it. */
  recorded_at: number;
  /** `pending_approval` / `rejected`: a trainee's reply before / after a lead's refusal (0008-approvals). */
  delivery_status: 'pending_approval' | 'rejected' | 'queued' | 'sending' | 'sent' | 'failed' | null;
  delivery_error: string | null;
  delivery_attempts: number;
  idempotency_key: string | null;
  raw: string | null;
  /** Triage of inbound messages (0004-triage); null on outbound ones. */
  type: 'complaint' | 'question' | 'praise' | 'other' | null;
  sentiment: 'negative' | 'neutral' | 'positive' | null;
  /** Urgency cue ids, comma-separated. */
  urgency: string | null;
  priority: number | null;
  /** Media and links as JSON text `{media, links}` (0022-message-attachments); null when none. */
  attachments: string | null;
}

export interface CasesTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  contact_id: string;
  status: 'open' | 'pending' | 'snoozed' | 'resolved';
  priority: number | null;
  assignee_agent_id: string | null;
  team_id: string | null;
  preview: string;
  message_count: number;
  opened_at: number;
  last_message_at: number;
  last_inbound_at: number | null;
  first_response_at: number | null;
  resolved_at: number | null;
  updated_at: number;
  /** Set while snoozed: when the case comes back to the queue (0002-console). */
  snoozed_until: number | null;
  snooze_reminder: string | null;
  /** Triage (0004-triage): the case's type and why it has its priority ("complaint, negative, mentions outage"). */
  type: 'complaint' | 'question' | 'praise' | 'other' | null;
  priority_reason: string | null;
  /** Rule action "apply SLA policy" (0010-triage-learning): the priority whose SLA targets apply; null = own. */
  sla_priority: number | null;
  /** The customer's language: the first inbound message's (0015-case-filters); null: not detected. */
  lang: Generated<string | null>;
  /** Earliest due time of the case's running SLA clocks, kept by triggers (0021-inbox-counters). */
  sla_due_at: Generated<number | null>;
  /** The case this one was merged into / split from (0027-case-structure). */
  merged_into_case_id: Generated<string | null>;
  split_from_case_id: Generated<string | null>;
}

/** Cases per (workspace, status, assignee; '' = unassigned), kept by triggers (0021-inbox-counters). */
export interface CaseViewCountsTable {
  workspace_id: string;
  status: CasesTable['status'];
  assignee_key: string;
  n: number;
}

/** Open and pending cases per hour of their earliest running SLA due time (0021-inbox-counters). */
export interface CaseDueCountsTable {
  workspace_id: string;
  due_hour: number;
  n: number;
}

/** PostgreSQL's triggers append signed counts here; the scheduler folds them into the counters (0021). */
export interface CaseCountDeltasTable {
  workspace_id: string;
  status: CasesTable['status'] | null;
  assignee_key: string | null;
  due_hour: number | null;
  n: number;
}

/** Agents present: a tab with the desk open said so lately (0027-case-structure); round-robin's turn order. */
export interface AgentPresenceTable {
  agent_id: string;
  workspace_id: string;
  seen_at: number;
  last_auto_assigned_at: number | null;
}

export interface CaseConversationsTable {
  case_id: string;
  conversation_id: string;
  linked_at: number;
}

export interface NotesTable {
  id: string;
  workspace_id: string;
  case_id: string | null;
  contact_id: string | null;
  agent_id: string;
  body: string;
  created_at: number;
}

export interface TagsTable {
  id: string;
  workspace_id: string;
  name: string;
  color: string | null;
  created_at: number;
}

export interface CaseTagsTable {
  case_id: string;
  tag_id: string;
}

export interface ContactTagsTable {
  contact_id: string;
  tag_id: string;
}

export interface TemplatesTable {
  id: string;
  workspace_id: string;
  name: string;
  shortcut: string;
  language: 'fr' | 'en' | null;
  body: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** 0028-macros-inbox: the folder (null: none); what using it does to the case (JSON); starter library key. */
  folder_id: Generated<string | null>;
  effects: Generated<string | null>;
  starter_key: Generated<string | null>;
}

export interface TemplateFoldersTable {
  id: string;
  workspace_id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

/** One row per macro applied to a case under one key (a reply's idempotency key): applied once (0028). */
export interface MacroApplicationsTable {
  case_id: string;
  application_key: string;
  workspace_id: string;
  template_id: string;
  agent_id: string | null;
  applied_at: number;
}

/** Cases per (workspace, type; '' = none, status), kept by triggers (0028-macros-inbox). */
export interface CaseTypeCountsTable {
  workspace_id: string;
  type_key: string;
  status: CasesTable['status'];
  n: number;
}

export interface EventsTable {
  id: string;
  workspace_id: string;
  /** Past tense, namespaced: `case.opened`, `message.sent`. */
  type: string;
  case_id: string | null;
  subject_id: string | null;
  actor_type: 'agent' | 'system' | 'contact';
  actor_id: string | null;
  payload: string;
  occurred_at: number;
}

export interface JobsTable {
  id: string;
  /** Imperative: `deliver-message`, `poll-channel`. */
  name: string;
  payload: string;
  run_at: number;
  attempts: number;
  /** Only one pending job per key (e.g. one poll per channel); freed when the job finishes. */
  dedupe_key: string | null;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
}

export interface ChannelUsageTable {
  channel_id: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  category: string;
  units: number;
  /** Millionths of a US dollar. */
  cost_micros: number;
  updated_at: number;
}

export interface ChannelSearchesTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  name: string;
  /** X recent-search query (contract §5.1), e.g. `acme (panne OR outage) -from:acme_sav lang:fr`. */
  query: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** A workspace's priority mapping (0004-triage); absent means the default policy. */
export interface PriorityPoliciesTable {
  workspace_id: string;
  policy: string;
  updated_by: string | null;
  updated_at: number;
}

/** When (event) + if (conditions, JSON) → then (actions, JSON), run in position order (0004-triage). */
export interface RulesTable {
  id: string;
  workspace_id: string;
  name: string;
  event: string;
  conditions: string;
  actions: string;
  position: number;
  enabled: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** Set while the rule fails at run time (bad stored value, deleted reference): 0020-ingestion-pipeline. */
  failing_since: number | null;
  last_error: string | null;
  failure_count: Generated<number>;
}

/** An agent's correction of a case's type or priority: a training label (0010-triage-learning). */
export interface TriageLabelsTable {
  id: string;
  workspace_id: string;
  case_id: string | null;
  message_id: string | null;
  text: string;
  kind: 'type' | 'priority' | 'sentiment' | 'complaint';
  label: string;
  previous: string | null;
  agent_id: string | null;
  created_at: number;
  /** `correction` (case screen) | `help` (help-triage queue) — 0029. */
  source: Generated<string>;
}

/** A workspace type model retrained from corrections (0010-triage-learning); at most one active. */
export interface TriageModelsTable {
  id: string;
  workspace_id: string;
  status: 'training' | 'ready' | 'failed';
  active: number;
  file: string | null;
  sha256: string | null;
  bytes: number | null;
  training: string | null;
  metrics: string | null;
  error: string | null;
  requested_by: string | null;
  created_at: number;
  finished_at: number | null;
  activated_at: number | null;
  /** 0029: the retrained sentiment model's hash (its file is `<model>.sentiment.ftz`), null when not retrained. */
  sentiment_sha256: string | null;
  /** 0029: `lead` | `nightly` | `corrections`. */
  trigger: Generated<string>;
}

/** Templates a rule suggested for a case (0010-triage-learning). */
export interface CaseTemplateSuggestionsTable {
  case_id: string;
  template_id: string;
  rule_id: string | null;
  created_at: number;
}

/** A workspace's business hours (team_id null) or a team's own (0005-sla). */
export interface BusinessHoursTable {
  id: string;
  workspace_id: string;
  team_id: string | null;
  time_zone: string;
  /** JSON: seven days, Monday first, each a list of { start, end } local times. */
  week: string;
  /** JSON: [{ date, name }]. */
  holidays: string;
  updated_by: string | null;
  updated_at: number;
}

/** Targets per priority (0005-sla); absent rows take the defaults. */
export interface SlaPoliciesTable {
  workspace_id: string;
  priority: number;
  first_response_minutes: number;
  next_response_minutes: number | null;
  resolution_minutes: number | null;
  business_hours: number;
  pause_when_pending: number;
  /** 0011: absence time is not counted (0/1). */
  pause_during_absence: Generated<number>;
  updated_by: string | null;
  updated_at: number;
}

/** One SLA clock of a case: running (due_at set), paused (remaining_ms set) or stopped (0005-sla). */
export interface SlaClocksTable {
  id: string;
  workspace_id: string;
  case_id: string;
  metric: 'first_response' | 'next_response' | 'resolution';
  priority: number;
  target_ms: number;
  business_hours: number;
  pause_when_pending: number;
  /** 0011: away periods are not counted (0/1). */
  pause_during_absence: number;
  started_at: number;
  due_at: number | null;
  paused_at: number | null;
  remaining_ms: number | null;
  stopped_at: number | null;
  breached_at: number | null;
  updated_at: number;
}

export interface SlaAlertsTable {
  id: string;
  workspace_id: string;
  agent_id: string;
  case_id: string;
  clock_id: string;
  created_at: number;
  read_at: number | null;
}

export interface SlaAppliedEventsTable {
  event_id: string;
  occurred_at: number;
}

export interface SlaSweepStateTable {
  id: string;
  events_after: number;
}

/** A trainee's reply and its review (0008-approvals); one row per message. */
export interface ApprovalsTable {
  id: string;
  workspace_id: string;
  message_id: string;
  case_id: string;
  requested_by: string | null;
  requested_at: number;
  status: 'pending' | 'approved' | 'rejected';
  /** The trainee's text, kept when the reviewer edited it. */
  original_text: string | null;
  decided_by: string | null;
  decided_at: number | null;
  comment: string | null;
}

/** A like or repost of an inbound post (0008-approvals); unique per (message, kind): never twice. */
export interface EngagementsTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  message_id: string;
  case_id: string | null;
  kind: 'like' | 'repost';
  /** `pending_approval`: a trainee's, waiting for a lead (0009); `rejected`: the lead said no. */
  status: 'pending_approval' | 'rejected' | 'queued' | 'sending' | 'done' | 'failed';
  /** The repost's own id on the network, when it has one. */
  external_id: string | null;
  error: string | null;
  attempts: number;
  requested_by: string | null;
  created_at: number;
  updated_at: number;
  /** The lead who approved or rejected a trainee's engagement (0009). */
  decided_by: string | null;
  decided_at: number | null;
  /** Why it was rejected, for the trainee. */
  comment: string | null;
}

/** Brand posts not tied to a case (0012-scheduled-posts): F23, and status posts of absences, greetings, incidents. */
export interface ScheduledPostsTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  text: string;
  publish_at: number;
  origin: 'manual' | 'absence' | 'greeting' | 'incident';
  origin_key: string | null;
  status: 'scheduled' | 'sending' | 'sent' | 'failed' | 'cancelled';
  attempts: number;
  /** When the first send was attempted: where reconciliation starts looking on the network. */
  first_attempt_at: number | null;
  external_id: string | null;
  url: string | null;
  error: string | null;
  sent_at: number | null;
  created_by_agent_id: string | null;
  created_at: number;
  updated_at: number;
}

/** Outages and known issues (0013-incidents, F22). */
export interface IncidentsTable {
  id: string;
  workspace_id: string;
  title: string;
  description: string;
  /** JSON array of lower-cased words that suggest a complaint is about this incident. */
  keywords: string;
  /** Where the status post goes; null when no status post is published. */
  channel_id: string | null;
  status_post_text: string | null;
  status_post_id: string | null;
  resolution_text: string;
  status: 'open' | 'resolved';
  declared_by_agent_id: string | null;
  declared_at: number;
  resolved_by_agent_id: string | null;
  resolved_at: number | null;
  updated_at: number;
}

/** Cases confirmed as part of an incident; one answer per row when the incident is resolved. */
export interface IncidentCasesTable {
  incident_id: string;
  case_id: string;
  workspace_id: string;
  linked_by: 'agent' | 'rule';
  linked_by_agent_id: string | null;
  linked_at: number;
  /** The resolution reply queued for this case; set once, so a retry never answers twice. */
  reply_message_id: string | null;
  /** Why no reply could be queued (no inbound message to answer…); null otherwise. */
  reply_error: string | null;
}

/** One UTC day's report facts, per workspace (0014-report-rollups). */
export interface ReportDaysTable {
  workspace_id: string;
  day: number;
  /** JSON, see modules/reports/report-facts.ts. */
  facts: string;
  hours_version: string;
  computed_at: number;
}

/** The satisfaction survey's switch and texts per workspace (0014-report-rollups, F25). */
export interface SurveySettingsTable {
  workspace_id: string;
  enabled: number;
  template_fr: string;
  template_en: string;
  enabled_at: number | null;
  updated_by: string | null;
  updated_at: number;
}

/** One satisfaction survey per case (0014-report-rollups, F25). */
export interface CaseSurveysTable {
  case_id: string;
  workspace_id: string;
  channel_id: string;
  contact_id: string;
  /** null: nobody to ask (no customer post with an author). */
  message_id: string | null;
  language: string;
  sent_at: number;
  rating: number | null;
  comment: string | null;
  answered_at: number | null;
  answer_message_id: string | null;
}

/** How far the report roll-ups have read the event log (0014-report-rollups). */
export interface ReportRollupStateTable {
  workspace_id: string;
  events_after: number;
}

/** Away periods (0011-absence-greetings, F20). */
export interface AbsencePeriodsTable {
  id: string;
  workspace_id: string;
  kind: 'end_of_day' | 'holidays' | 'incident';
  starts_at: number;
  ends_at: number;
  note: string | null;
  channel_id: string | null;
  status: 'planned' | 'active' | 'ended' | 'cancelled';
  started_at: number | null;
  ended_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** One away message per (period, contact). */
export interface AbsenceRepliesTable {
  period_id: string;
  contact_id: string;
  workspace_id: string;
  message_id: string | null;
  created_at: number;
}

/** Cases that received customer messages during an away period. */
export interface AbsenceCasesTable {
  period_id: string;
  case_id: string;
  marked_at: number;
}

/** Settings of absences and greetings per workspace (JSON). */
export interface TimeSettingsTable {
  workspace_id: string;
  settings: string;
  welcome_enabled_at: number | null;
  updated_by: string | null;
  updated_at: number;
}

/** Welcome DMs to new followers (F21): one per (workspace, contact). */
export interface WelcomeDmsTable {
  id: string;
  workspace_id: string;
  channel_id: string;
  contact_id: string;
  recipient_external_id: string;
  text: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  first_attempt_at: number | null;
  external_id: string | null;
  error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string | null;
  /** Namespaced, past tense: `agent.role_changed`, `auth.signed_in`, `template.updated`. */
  action: string;
  actor_type: 'agent' | 'system' | 'api_token' | 'anonymous';
  actor_id: string | null;
  /** Email or token name at the time, so the line still reads after the actor is gone. */
  actor_label: string | null;
  subject_type: string | null;
  subject_id: string | null;
  ip: string | null;
  /** JSON, secrets removed. */
  before: string | null;
  after: string | null;
  details: string | null;
  occurred_at: number;
}

/** A URL told about case and message events (0019), signed with its sealed secret. */
export interface OutgoingWebhooksTable {
  id: string;
  workspace_id: string;
  url: string;
  /** JSON array of event types. */
  events: string;
  /** Sealed with the SecretBox (context `outgoing_webhook:<id>:secret`). */
  secret: string;
  allow_private: number;
  enabled: number;
  failure_count: number;
  disabled_reason: string | null;
  disabled_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** One row per delivery attempt of an outgoing webhook (0019). */
export interface OutgoingWebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  /** Same on every attempt of one delivery: the body's `id`. */
  delivery_id: string;
  event: string;
  payload: string;
  status: 'delivered' | 'failed' | 'abandoned';
  attempts: number;
  response_status: number | null;
  error: string | null;
  duration_ms: number | null;
  created_at: number;
  delivered_at: number | null;
}

export interface OutgoingWebhookStateTable {
  id: string;
  events_after: number;
}

export interface OutgoingWebhookDispatchedTable {
  event_id: string;
  occurred_at: number;
}

export interface ApiTokensTable {
  id: string;
  workspace_id: string;
  name: string;
  /** JSON array of scope names (`cases:read`, `replies:write`…). */
  scopes: string;
  /** SHA-256 (hex) of the whole token; the token itself is shown once and never stored. */
  token_hash: string;
  /** The token's first characters, to recognise it in the list. */
  prefix: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  expires_at: number | null;
}

export interface SignInFailuresTable {
  /** SHA-256 of the email as typed (trimmed, lower case): per account, whatever the address. */
  account_key: string;
  failures: number;
  /** No password is checked for this account before this time (epoch ms; 0 for none). */
  locked_until: number;
  updated_at: number;
}

export interface Database {
  workspaces: WorkspacesTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  agent_invitations: AgentInvitationsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  channels: ChannelsTable;
  cursors: CursorsTable;
  contacts: ContactsTable;
  identities: IdentitiesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  cases: CasesTable;
  case_conversations: CaseConversationsTable;
  agent_presence: AgentPresenceTable;
  case_view_counts: CaseViewCountsTable;
  case_due_counts: CaseDueCountsTable;
  case_count_deltas: CaseCountDeltasTable;
  notes: NotesTable;
  tags: TagsTable;
  case_tags: CaseTagsTable;
  contact_tags: ContactTagsTable;
  templates: TemplatesTable;
  template_folders: TemplateFoldersTable;
  macro_applications: MacroApplicationsTable;
  case_type_counts: CaseTypeCountsTable;
  case_type_count_deltas: CaseTypeCountsTable;
  events: EventsTable;
  jobs: JobsTable;
  channel_usage: ChannelUsageTable;
  channel_searches: ChannelSearchesTable;
  priority_policies: PriorityPoliciesTable;
  rules: RulesTable;
  triage_labels: TriageLabelsTable;
  triage_models: TriageModelsTable;
  case_template_suggestions: CaseTemplateSuggestionsTable;
  business_hours: BusinessHoursTable;
  sla_policies: SlaPoliciesTable;
  sla_clocks: SlaClocksTable;
  absence_periods: AbsencePeriodsTable;
  absence_replies: AbsenceRepliesTable;
  absence_cases: AbsenceCasesTable;
  time_settings: TimeSettingsTable;
  welcome_dms: WelcomeDmsTable;
  sla_alerts: SlaAlertsTable;
  sla_applied_events: SlaAppliedEventsTable;
  sla_sweep_state: SlaSweepStateTable;
  approvals: ApprovalsTable;
  engagements: EngagementsTable;
  scheduled_posts: ScheduledPostsTable;
  incidents: IncidentsTable;
  incident_cases: IncidentCasesTable;
  report_days: ReportDaysTable;
  report_rollup_state: ReportRollupStateTable;
  survey_settings: SurveySettingsTable;
  case_surveys: CaseSurveysTable;
  audit_log: AuditLogTable;
  api_tokens: ApiTokensTable;
  sign_in_failures: SignInFailuresTable;
  outgoing_webhooks: OutgoingWebhooksTable;
  outgoing_webhook_deliveries: OutgoingWebhookDeliveriesTable;
  outgoing_webhook_state: OutgoingWebhookStateTable;
  outgoing_webhook_dispatched: OutgoingWebhookDispatchedTable;
  leases: LeasesTable;
  outgoing_media: OutgoingMediaTable;
  channel_activity: ChannelActivityTable;
}

/** A picture an agent attached to a reply (0023); the file is in the data folder. */
export interface OutgoingMediaTable {
  id: string;
  workspace_id: string;
  uploaded_by: string;
  /** The outbound message carrying it; null while it only sits in the composer. */
  message_id: string | null;
  position: Generated<number>;
  content_type: string;
  size_bytes: number;
  sha256: string;
  file_name: string;
  /** The network's media id once uploaded there: reused by every retry of the message. */
  external_media_id: string | null;
  external_media_key: string | null;
  external_expires_at: number | null;
  created_at: number;
}

/** A channel's X Activity API delivery state (0025, decision 0012). */
export interface ChannelActivityTable {
  channel_id: string;
  /** JSON array of the X subscription ids the desk created for this channel. */
  subscription_ids: Generated<string>;
  webhook_id: string | null;
  stream_state: Generated<'off' | 'connected' | 'lost'>;
  /** Since when XAA delivers this channel's events (DM polling stops meanwhile); null when not live. */
  live_since: number | null;
  last_event_at: number | null;
  updated_at: number;
}

/** One row per lease held by a single process (0024): `scheduler` is the scheduler's leadership. */
export interface LeasesTable {
  name: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>;
export type { Generated };
