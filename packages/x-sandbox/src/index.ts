export { createXSandbox, type XSandbox, type XSandboxOptions } from './sandbox.ts';
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
export { DEFAULT_RATE_LIMITS, WINDOW_MS } from './rate-limit.ts';
export { SNOWFLAKE_EPOCH_MS, snowflakeTime } from './ids.ts';
