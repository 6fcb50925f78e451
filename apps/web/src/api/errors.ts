import { apiErrorSchema } from '@guichet/contracts';

/** Codes the web app produces itself, next to the server's namespaced codes (`case.not_found`, …). */
export const clientErrorCodes = {
  /** The request never got an answer: server down, network cut, proxy with no upstream. */
  unreachable: 'client.server_unreachable',
  /** The server answered with something that does not match the contract. */
  invalidResponse: 'client.invalid_response',
} as const;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when no response was received. */
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

// Gateways answer 502/503/504 with HTML of their own when the Guichet server is down.
const gatewayStatuses = new Set([502, 503, 504]);

/** Builds an ApiError from a failed response body, tolerating bodies that are not the contract's shape. */
export function apiErrorFromResponse(status: number, bodyText: string): ApiError {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  const parsed = apiErrorSchema.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(status, code, message, details);
  }
  if (gatewayStatuses.has(status)) {
    return new ApiError(status, clientErrorCodes.unreachable, `Server unreachable (HTTP ${status})`);
  }
  return new ApiError(status, `http.${status}`, `Request failed with HTTP ${status}`);
}

export function unreachableError(cause: unknown): ApiError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ApiError(0, clientErrorCodes.unreachable, `Server unreachable: ${reason}`);
}
