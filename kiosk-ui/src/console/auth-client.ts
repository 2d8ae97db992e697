import { FailureSchema, LoginRequestSchema, LoginResponseSchema, type LoginResponse } from '@kiosk/protocols';

/**
 * Sign-in and sign-out over the hub's REST API (`/api/auth/*`). The console is served by the hub, so the
 * API is on the page's own origin. Every failure becomes a `SignInError` whose `reason` picks the
 * sentence shown; the hub's own message is kept for the problem log only.
 */

export type SignInFailure = 'missing' | 'bad-credentials' | 'rate-limited' | 'network' | 'server';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  constructor(
    readonly reason: SignInFailure,
    message: string,
  ) {
    super(message);
  }
}

/** `fetch`, injected so tests can point it at a loopback server. */
export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export interface AuthPort {
  login(username: string, password: string): Promise<LoginResponse>;
  logout(token: string): Promise<void>;
}

const TIMEOUT_MS = 15_000;

async function hubMessage(response: Response): Promise<string> {
  try {
    const failure = FailureSchema.safeParse(await response.json());
    return failure.success ? `${failure.data.error.code}: ${failure.data.error.message}` : `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

export class AuthClient implements AuthPort {
  constructor(
    private readonly fetch: Fetch,
    private readonly baseUrl = '',
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  async login(username: string, password: string): Promise<LoginResponse> {
    const request = LoginRequestSchema.safeParse({ username: username.trim(), password });
    if (!request.success) throw new SignInError('missing', 'username and password are required');
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request.data),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SignInError('network', `login: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status === 200) {
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new SignInError('server', 'login: answer is not JSON');
      }
      const parsed = LoginResponseSchema.safeParse(body);
      if (!parsed.success) throw new SignInError('server', 'login: answer does not match LoginResponseSchema');
      return parsed.data;
    }
    const message = `login: ${await hubMessage(response)}`;
    // 400 is a request the hub would not read (say a name longer than any account's): wrong credentials.
    if (response.status === 401 || response.status === 400) throw new SignInError('bad-credentials', message);
    if (response.status === 429) throw new SignInError('rate-limited', message);
    throw new SignInError('server', message);
  }

  /** Ends the session on the hub; a session the hub no longer knows (401) is already ended. */
  async logout(token: string): Promise<void> {
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}/api/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SignInError('network', `logout: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.ok || response.status === 401) return;
    throw new SignInError('server', `logout: ${await hubMessage(response)}`);
  }
}
