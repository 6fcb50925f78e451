/** Problem-JSON bodies exactly as the contract (§2.1, §7, §10) documents them, so clients see X's shapes. */

const PROBLEMS = 'https://api.twitter.com/2/problems';

export type ProblemBody = Record<string, unknown>;

/** A refusal carrying the HTTP status and the body X would send; the admin facade throws it as-is. */
export class SandboxError extends Error {
  readonly status: number;
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    super(typeof body.detail === 'string' ? body.detail : `Sandbox error ${status}`);
    this.name = 'SandboxError';
    this.status = status;
    this.body = body;
  }
}

export function forbidden(detail: string): SandboxError {
  return new SandboxError(403, { detail, type: 'about:blank', title: 'Forbidden', status: 403 });
}

export function invalidRequest(errors: { parameters: Record<string, string[]>; message: string }[]): SandboxError {
  return new SandboxError(400, {
    errors,
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEMS}/invalid-request`,
  });
}

export function invalidParam(name: string, value: string, message: string): SandboxError {
  return invalidRequest([{ parameters: { [name]: [value] }, message }]);
}

export function invalidBody(message: string): SandboxError {
  return invalidRequest([{ parameters: {}, message }]);
}

export const UNAUTHORIZED_BODY = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };

export function unsupportedAuthentication(used: string, supported: string[]): SandboxError {
  return new SandboxError(403, {
    title: 'Unsupported Authentication',
    detail: `Authenticating with ${used} is forbidden for this endpoint.  Supported authentication types are [${supported.join(', ')}].`,
    type: `${PROBLEMS}/unsupported-authentication`,
    status: 403,
  });
}

export const TOO_MANY_REQUESTS_BODY = {
  title: 'Too Many Requests',
  detail: 'Too Many Requests',
  type: 'about:blank',
  status: 429,
};

export function notFoundRoute(): SandboxError {
  return new SandboxError(404, {
    title: 'Not Found Error',
    detail: 'Sorry, that page does not exist.',
    type: 'about:blank',
    status: 404,
  });
}

export function resourceNotFound(
  resourceType: 'user' | 'tweet',
  parameter: string,
  value: string,
  label = parameter,
): ProblemBody {
  return {
    value,
    detail: `Could not find ${resourceType} with ${label}: [${value}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: value,
    type: `${PROBLEMS}/resource-not-found`,
  };
}

export const DUPLICATE_DETAIL = 'You are not allowed to create a Tweet with duplicate content.';
export const REPLY_NOT_ALLOWED_DETAIL =
  'Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged by the author of the post you are replying to.';
export const REPLY_TARGET_MISSING_DETAIL = 'You attempted to reply to a Tweet that is deleted or not visible to you.';
export const QUOTE_TARGET_MISSING_DETAIL = 'You attempted to quote a Tweet that is deleted or not visible to you.';
export const TOO_LONG_DETAIL =
  'Your Tweet text is too long. For more information on how X determines text length, see https://github.com/twitter/twitter-text.';
