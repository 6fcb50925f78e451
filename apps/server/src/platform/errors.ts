/**
 * Domain errors carry a stable namespaced code (`case.not_found`); the HTTP layer maps kinds to status
 * codes in one place, so commands never think in HTTP.
 */
export type AppErrorKind =
  | 'not_found'
  | 'invalid'
  // Well-formed but refused as it stands (422): the same request with an explicit confirmation may pass.
  | 'unprocessable'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable';

export class AppError extends Error {
  readonly code: string;
  readonly kind: AppErrorKind;
  readonly details: unknown;

  constructor(code: string, kind: AppErrorKind, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.kind = kind;
    this.details = details;
  }
}

export const httpStatusByKind: Record<AppErrorKind, number> = {
  not_found: 404,
  invalid: 400,
  unprocessable: 422,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  unavailable: 503,
};

/** A configuration or environment problem worth one clear sentence to the operator, not a stack trace. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
