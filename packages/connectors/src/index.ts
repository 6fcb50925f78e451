export * from './connector.ts';
export { ConnectorRegistry } from './registry.ts';
export {
  createTwitterApiXClient,
  XApiError,
  xTime,
  X_EXPANSIONS,
  X_TWEET_FIELDS,
  X_USER_FIELDS,
  type TwitterApiXClientOptions,
  type XClient,
  type XCredentials,
  type XPage,
  type XTimelineOptions,
  type XTweet,
  type XUser,
} from './x/x-client.ts';
export { mapXTweet, mapXUser, snowflakeDate, xDisplayText, xPostUrl } from './x/x-mappers.ts';
export {
  createXConnector,
  parseXConnectorConfig,
  toConnectorError,
  xConnectorFactory,
  X_SELF_SERVE_CAPABILITIES,
  type XConnectorConfig,
  type XConnectorOptions,
} from './x/x-connector.ts';
