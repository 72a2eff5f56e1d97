/**
 * The span exporter of a worker's link to the world: OTLP/HTTP JSON, serialized by the OpenTelemetry library's own trace
 * serializer, POSTed to `<world>/v1/traces` over a keep-alive loopback connection.
 *
 * Why not `OTLPTraceExporter` here: its package loads the OTLP transformer's index, which loads the metrics and logs
 * serializers and `@opentelemetry/sdk-metrics` with them, ~20 ms of every worker's start for signals a worker never
 * sends; and every export goes through its delegate, promise queue and retry timers. This exporter does the one thing
 * the world link needs. A user's collector (`--otlp-endpoint`) still gets the library's exporter, with its retries.
 */
import { Agent, request } from 'node:http';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
// The serializer's own module: the package's index is what loads metrics and logs (the package declares no `exports`).
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer/build/src/trace/json/trace.js';

/**
 * Idle keep-alive sockets are closed after this long, well before the world's own keep-alive timeout (Node's 5 s): an
 * export after a quiet spell must not go out on a socket the world is closing at that moment (the WorldClient's rule).
 */
const IDLE_SOCKET_MS = 2000;

export class WorldSpanExporter implements SpanExporter {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' });
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs = 3000,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.stopped) {
      done({ code: ExportResultCode.FAILED, error: new Error('the exporter was shut down') });
      return;
    }
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) {
      done({ code: ExportResultCode.FAILED, error: new Error('the spans could not be serialized') });
      return;
    }
    const sent = this.post(body).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Resolves once every export already started has been answered (or failed). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
    this.agent.destroy();
  }

  /** One POST; a reused keep-alive socket the server had just closed (ECONNRESET, EPIPE) gets the export once more, on a new one. */
  private async post(body: Uint8Array): Promise<void> {
    try {
      await this.postOnce(body);
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { reusedSocket?: boolean };
      if (!err.reusedSocket || (err.code !== 'ECONNRESET' && err.code !== 'EPIPE')) throw e;
      await this.postOnce(body);
    }
  }

  private postOnce(body: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: { 'content-type': 'application/json', 'content-length': body.byteLength, ...this.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`POST ${this.url} answered ${status}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`POST ${this.url} got no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e: Error) => reject(Object.assign(e, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  }
}
