export { createXSandbox, type DmEvent, type XSandbox, type XSandboxOptions } from './sandbox.ts';
export {
  startCustomerSimulation,
  CUSTOMER_LINES,
  FOLLOW_UP_LINES,
  type CustomerSimulation,
  type CustomerSimulationOptions,
  type Scheduler,
} from './simulation.ts';
export type {
  CreateUserInput,
  OAuth1Pair,
  SandboxAccount,
  SandboxMention,
  SandboxPlan,
  SandboxTweet,
  SandboxUser,
} from './engine.ts';
export { SandboxError } from './errors.ts';
export { sandboxImagePng, SANDBOX_IMAGES, type SandboxImage } from './media-images.ts';
export { DEFAULT_RATE_LIMITS, WINDOW_MS } from './rate-limit.ts';
export { SNOWFLAKE_EPOCH_MS, snowflakeTime } from './ids.ts';
export {
  startScenario,
  DEFAULT_SCENARIO_WEIGHTS,
  type Scenario,
  type ScenarioAction,
  type ScenarioEvent,
  type ScenarioEventKind,
  type ScenarioOptions,
} from './scenario.ts';
export { CUSTOMER_POOL, type SimulatedCustomer, type Lang, type OpeningKind } from './scenario-lines.ts';
export {
  createManualScheduler,
  realTimeouts,
  seededRandom,
  type ManualScheduler,
  type TimeoutScheduler,
} from './scenario-timers.ts';
export {
  startReplay,
  parseTwcs,
  parseTwcsDate,
  mostFrequentBrand,
  customerHandle,
  type Replay,
  type ReplayOptions,
  type ReplayProgress,
  type ReplaySkipReason,
  type TwcsRow,
} from './replay.ts';
export { parseCsv, parseCsvRecords } from './replay-csv.ts';
export { handleSandboxPage, escapeHtml, pageLang, type PageLang, type SandboxPageOptions } from './page.ts';
export type { DmPolicy, ProfileUpdate, SandboxDmEvent, SandboxEvent, SandboxWebhook, StreamRule } from './engine.ts';
export { COST_PRICES_MILLS, type CostKind, type CostReport } from './costs.ts';
export type { SandboxFaults } from './faults.ts';
export type { AuthorizeInput } from './routes-admin.ts';
export { webhookSignature, type WebhookDelivery } from './webhooks.ts';
export { parseQuery, matchesQuery, QuerySyntaxError, type QueryNode } from './search-query.ts';
export { sharedDir, sharedPath } from './shared-data.ts';
export { handleConsentPage, CONSENT_PATH } from './consent.ts';
