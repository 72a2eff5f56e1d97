/** A small client of the Conductor server's REST API (`/api/...`), for what the adapter does outside the SDK's workers. */
import { HarnessError } from '../../harness/errors.js';

export class ConductorHttp {
  constructor(readonly url: string) {}

  /** JSON in and out; a non-2xx answer is an error naming the call and the server's answer. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    if (!res.ok) throw new ConductorHttpError(`conductor: ${method} /api${path} answered ${res.status}: ${text.slice(0, 500)}`, res.status);
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }
}

export class ConductorHttpError extends HarnessError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message, 'ORD-370');
  }
}
