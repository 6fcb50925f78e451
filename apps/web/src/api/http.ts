import { ApiError, apiErrorFromResponse, clientErrorCodes, unreachableError } from './errors.ts';

/** Anything with zod's `parse` — every response is checked against its contract schema. */
export interface ResponseSchema<T> {
  parse(data: unknown): T;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** For calls where 401 is an expected answer (sign-in, session probe), not a lost session. */
  allowUnauthorized?: boolean;
}

export interface HttpClientOptions {
  /** Called on any 401 so the app can drop the session and show sign-in. */
  onUnauthorized?: () => void;
  fetch?: typeof fetch;
  baseUrl?: string;
}

export class HttpClient {
  private readonly onUnauthorized: () => void;
  private readonly fetchImpl: typeof fetch;
  private readonly baseUrl: string;

  constructor(options: HttpClientOptions = {}) {
    this.onUnauthorized = options.onUnauthorized ?? (() => {});
    // Bound so that `window.fetch` keeps its required receiver.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.baseUrl = options.baseUrl ?? '';
  }

  /** Sends a request and returns the body parsed with `schema`. */
  async json<T>(method: string, path: string, schema: ResponseSchema<T>, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    let data: unknown;
    try {
      data = await response.json();
    } catch (cause) {
      throw new ApiError(response.status, clientErrorCodes.invalidResponse, `Response is not JSON: ${String(cause)}`);
    }
    try {
      return schema.parse(data);
    } catch (cause) {
      throw new ApiError(
        response.status,
        clientErrorCodes.invalidResponse,
        `Response does not match the contract for ${method} ${path}`,
        cause,
      );
    }
  }

  /** Sends a request whose success body is irrelevant (204 and the like). */
  async empty(method: string, path: string, options: RequestOptions = {}): Promise<void> {
    const response = await this.send(method, path, options);
    // Drain the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined);
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    // Every change says JSON, even without a body: the desk refuses other types, which a form on another
    // site could send without asking.
    if (options.body !== undefined || (method !== 'GET' && method !== 'HEAD')) {
      headers['Content-Type'] = 'application/json';
    }
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    if (options.signal) init.signal = options.signal;

    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, init);
    } catch (cause) {
      // An abort is the caller's choice (TanStack Query cancelling); let it through untouched.
      if (options.signal?.aborted) throw cause;
      throw unreachableError(cause);
    }
    if (response.ok) return response;

    const bodyText = await response.text().catch(() => '');
    const error = apiErrorFromResponse(response.status, bodyText);
    if (response.status === 401 && !options.allowUnauthorized) this.onUnauthorized();
    throw error;
  }
}
