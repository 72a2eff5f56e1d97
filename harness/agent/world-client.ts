/** A worker's HTTP client for the world: model, effects, resources, approvals, probes. */
import { Agent, request as httpRequest } from 'node:http';
import { HEADERS } from '../world/protocol.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatReply {
  message: ChatMessage;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

/** An HTTP answer that is not 2xx. `retryable` is false for 4xx other than 408/409/429. */
export class WorldHttpError extends Error {
  override name = 'WorldHttpError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(`world answered ${status}: ${JSON.stringify(body)}`);
  }
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

/** A `retry-after` header in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); `undefined` when absent or malformed. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  const v = header?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const at = /^[A-Za-z]{3}, /.test(v) ? Date.parse(v) : Number.NaN; // an IMF-fixdate starts with the day's name
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A world request that got no answer within its timeout (the request is aborted). */
export class WorldTimeoutError extends Error {
  override name = 'TimeoutError';
}

/**
 * Idle keep-alive sockets are closed after this long, well before the world's own keep-alive timeout (Node's 5 s), so
 * a request never goes out on a socket the world is closing at that moment.
 */
const IDLE_SOCKET_MS = 2000;

export class WorldClient {
  /** One keep-alive pool per client: a worker's requests reuse warm loopback connections (as fetch's pool did). */
  private readonly agent = new Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' });
  private readonly target: URL;

  constructor(
    readonly url: string,
    readonly pid = process.pid,
  ) {
    this.target = new URL(url);
  }

  /**
   * One HTTP request with Node's http client (lighter than fetch: no web streams or Request/Response objects, and no
   * undici to load at a worker's start). A non-2xx answer throws WorldHttpError; no answer within `timeoutMs` aborts
   * the request and throws WorldTimeoutError; a connection error is thrown as Node gives it (ECONNREFUSED, ECONNRESET).
   */
  request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.agent,
          protocol: this.target.protocol,
          hostname: this.target.hostname,
          port: this.target.port,
          method,
          path: this.target.pathname.replace(/\/$/, '') + path,
          headers: {
            'content-type': 'application/json',
            [HEADERS.pid]: String(this.pid),
            ...headers,
            ...(payload ? { 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch (e) {
              return reject(e instanceof Error ? e : new Error(String(e)));
            }
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              const retryAfter = res.headers['retry-after'];
              return reject(new WorldHttpError(status, parsed, parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : null)));
            }
            resolve(parsed as T);
          });
        },
      );
      function fail(e: Error): void {
        clearTimeout(timer);
        reject(e);
      }
      const timer = setTimeout(() => req.destroy(new WorldTimeoutError(`world: no answer to ${method} ${path} within ${timeoutMs} ms`)), timeoutMs);
      req.on('error', fail);
      req.end(payload);
    });
  }

  async chat(messages: ChatMessage[], tools?: unknown[]): Promise<ChatReply> {
    const r = await this.request<{ choices: { message: ChatMessage }[]; usage: ChatReply['usage'] }>('POST', '/v1/chat/completions', {
      model: 'ordeal-scripted',
      messages,
      ...(tools ? { tools } : {}),
    });
    const message = r.choices[0]?.message;
    if (!message) throw new Error('world: chat completion without choices');
    return { message, usage: r.usage };
  }

  effect(type: string, args: Record<string, unknown>, idempotencyKey?: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.request('POST', `/effects/${type}`, args, idempotencyKey ? { [HEADERS.idempotencyKey]: idempotencyKey } : {}, timeoutMs);
  }

  readResource(id: string): Promise<{ id: string; version: number; value: unknown }> {
    return this.request('GET', `/resources/${encodeURIComponent(id)}`);
  }

  writeResource(id: string, value: unknown, expectedVersion?: number): Promise<{ id: string; version: number; value: unknown }> {
    return this.request('PUT', `/resources/${encodeURIComponent(id)}`, { value, ...(expectedVersion !== undefined ? { expectedVersion } : {}) });
  }

  requestApproval(id: string, summary: string, payload: unknown): Promise<{ id: string; status: string }> {
    return this.request('POST', '/approvals', { id, summary, payload });
  }

  approvalStatus(id: string): Promise<{ id: string; status: 'pending' | 'approved' | 'rejected'; decision?: Record<string, unknown> }> {
    return this.request('GET', `/approvals/${encodeURIComponent(id)}`);
  }

  /**
   * Tells the world where the worker is (fault triggers fire on probes). A probe is ordeal's instrumentation, not the
   * agent's work: one that the network loses (a net fault between worker and world, which can fire on this very probe
   * and so cut off its answer) resolves to `{}` with a line on stderr, so that it never fails a step, a checkpoint or
   * an orchestration the agent itself would have completed. A probe lost that way may leave a trigger unfired, which
   * the `faults-applied` checker reports. An answer from the world (WorldHttpError) and `worker:ready` still throw.
   */
  probe(
    point: string,
    data: { step?: number | string; attempt?: number; replayed?: boolean; detail?: Record<string, unknown> } = {},
  ): Promise<unknown> {
    // `ordeal bench` measures the framework, not our probes; `worker:ready` still goes out (workers wait on it)
    if (process.env.ORDEAL_PROBES === 'off' && point !== 'worker:ready') return Promise.resolve({});
    const sent = this.request('POST', '/probe', { point, ...data });
    if (point === 'worker:ready') return sent;
    return sent.catch((e: unknown) => {
      if (e instanceof WorldHttpError || e instanceof SyntaxError) throw e;
      process.stderr.write(`ordeal worker: probe ${point} lost on the way to the world (${e instanceof Error ? e.message : String(e)})\n`);
      return {};
    });
  }
}
