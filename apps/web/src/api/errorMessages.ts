import { clientErrorCodes, isApiError } from './errors.ts';

/** Translation keys for the errors an agent can meet; anything else gets the generic message. */
export type ErrorMessageKey =
  | 'errors.unreachable'
  | 'errors.invalidCredentials'
  | 'errors.tooManyAttempts'
  | 'errors.sessionExpired'
  | 'errors.caseNotFound'
  | 'errors.validation'
  | 'errors.invalidResponse'
  | 'errors.forbidden'
  | 'errors.conflict'
  | 'errors.generic'
  | 'inboxSearch.tooShort'
  | 'channels.webhooks.needSecret'
  | 'replyImages.errors.type'
  | 'replyImages.errors.size'
  | 'replyImages.errors.count'
  | 'replyImages.errors.gifAlone'
  | 'replyImages.errors.gone';

const byCode: Record<string, ErrorMessageKey> = {
  [clientErrorCodes.unreachable]: 'errors.unreachable',
  [clientErrorCodes.invalidResponse]: 'errors.invalidResponse',
  'auth.invalid_credentials': 'errors.invalidCredentials',
  'auth.too_many_attempts': 'errors.tooManyAttempts',
  'auth.unauthenticated': 'errors.sessionExpired',
  'case.not_found': 'errors.caseNotFound',
  'search.too_short': 'inboxSearch.tooShort',
  'channel.webhooks_need_secret': 'channels.webhooks.needSecret',
  'request.invalid': 'errors.validation',
  'validation.failed': 'errors.validation',
  'template.forbidden': 'errors.forbidden',
  'team.forbidden': 'errors.forbidden',
  'template.shortcut_taken': 'errors.conflict',
  'team.name_taken': 'errors.conflict',
  'media.unsupported_type': 'replyImages.errors.type',
  'media.type_mismatch': 'replyImages.errors.type',
  'media.too_large': 'replyImages.errors.size',
  'reply.too_many_media': 'replyImages.errors.count',
  'reply.gif_alone': 'replyImages.errors.gifAlone',
  'reply.media_not_found': 'replyImages.errors.gone',
  'reply.media_in_use': 'replyImages.errors.gone',
};

export function errorMessageKey(error: unknown): ErrorMessageKey {
  if (!isApiError(error)) return 'errors.generic';
  const known = byCode[error.code];
  if (known) return known;
  // Fall back on the status when the server's code is new to this build of the web app.
  if (error.status === 401) return 'errors.sessionExpired';
  if (error.status === 429) return 'errors.tooManyAttempts';
  if (error.status === 403) return 'errors.forbidden';
  if (error.status === 400 || error.status === 422) return 'errors.validation';
  return 'errors.generic';
}
