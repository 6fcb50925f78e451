import { describe, expect, it } from 'vitest';
import { errorMessageKey } from './errorMessages.ts';
import { ApiError, clientErrorCodes } from './errors.ts';

describe('errorMessageKey', () => {
  it('maps the sign-in failures the agent must tell apart', () => {
    expect(errorMessageKey(new ApiError(401, 'auth.invalid_credentials', 'x'))).toBe('errors.invalidCredentials');
    expect(errorMessageKey(new ApiError(429, 'auth.too_many_attempts', 'x'))).toBe('errors.tooManyAttempts');
    expect(errorMessageKey(new ApiError(0, clientErrorCodes.unreachable, 'x'))).toBe('errors.unreachable');
  });

  it('explains a search that is too short', () => {
    expect(errorMessageKey(new ApiError(400, 'search.too_short', 'x'))).toBe('inboxSearch.tooShort');
  });

  it('falls back on the status for codes this build does not know', () => {
    expect(errorMessageKey(new ApiError(429, 'reply.rate_limited', 'x'))).toBe('errors.tooManyAttempts');
    expect(errorMessageKey(new ApiError(500, 'internal', 'x'))).toBe('errors.generic');
    expect(errorMessageKey(new Error('not an API error'))).toBe('errors.generic');
  });
});
