export * from './connector.ts';
export { ConnectorRegistry } from './registry.ts';
export {
  createTwitterApiXClient,
  XApiError,
  xTime,
  X_EXPANSIONS,
  X_MEDIA_FIELDS,
  X_PROFILE_FIELDS,
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
export { mapXProfile, mapXTweet, mapXUser, snowflakeDate, xDisplayText, xPostUrl } from './x/x-mappers.ts';
export {
  createXConnector,
  parseXConnectorConfig,
  toConnectorError,
  xConnectorFactory,
  X_SELF_SERVE_CAPABILITIES,
  type XConnectorConfig,
  type XConnectorOptions,
} from './x/x-connector.ts';
export { meteredXClient, X_PAY_PER_USE_PRICES, type XBillingCategory, type XUsage } from './x/x-usage.ts';
export { createXDirectMessages, xConversationUrl } from './x/x-dms.ts';
export {
  isXaaEnvelope,
  mapXaaEvent,
  xaaAccount,
  XAA_DESK_SUBSCRIPTIONS,
  type XaaEnvelope,
  type XaaEventType,
  type XaaFilter,
  type XaaOutcome,
} from './x/x-activity-events.ts';
export {
  createXActivityClient,
  type XActivityClient,
  type XActivityClientOptions,
  type XaaStreamEvents,
  type XaaSubscription,
} from './x/x-activity-client.ts';
export type { XDmEvent, XDmPage, XStreamEvents, XStreamHandle } from './x/x-client.ts';
export {
  httpUrl,
  mapV1Links,
  mapV1MediaList,
  mapXLinks,
  mapXMedia,
  mediaByKeys,
  type V1Media,
  type V1Url,
  type XMedia,
  type XUrlEntity,
} from './x/x-media.ts';
