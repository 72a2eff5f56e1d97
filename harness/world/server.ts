/** The world's HTTP plumbing on node:http: routing, JSON bodies with a size limit, error answers, delivery tracking. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { HttpError, errorBody } from './http-error.js';
import { DEFAULT_BODY_LIMIT, HEADERS } from './protocol.js';

export { DEFAULT_BODY_LIMIT };

/** One request being handled. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  params: Record<string, string>;
  /** The worker's pid from `X-Ordeal-Pid`, or null. */
  pid: number | null;
  header(name: string): string | undefined;
  /** The raw body (gunzipped when `Content-Encoding: gzip`), at most `limit` bytes, else 413. */
  body(limit?: number): Promise<Buffer>;
  /** The body parsed as JSON (an empty body is `undefined`), else 400. */
  json(limit?: number): Promise<unknown>;
}

export type Handler = (ex: Exchange) => Promise<void> | void;

export interface Route {
  method: string;
  /** `/effects/:type` style; a `:name` segment matches one non-empty path segment. */
  path: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  re: RegExp;
  names: string[];
}

function compile(r: Route): CompiledRoute {
  const names: string[] = [];
  const src = r.path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? (names.push(seg.slice(1)), '([^/]+)') : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { ...r, re: new RegExp(`^${src}/?$`), names };
}

/** Writes a JSON answer (no-op when the connection is already gone or answered). */
export function sendJson(ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const { res } = ex;
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(ex: Exchange, e: HttpError): void {
  sendJson(ex, e.status, errorBody(e.code, e.message), e.headers);
}

/** Ends the connection without an answer; `reset` sends a TCP RST where the platform allows it. */
export function destroyConnection(ex: Exchange, reset: boolean): void {
  const socket = ex.req.socket;
  if (reset && typeof socket.resetAndDestroy === 'function') {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      /* fall back to destroy */
    }
  }
  socket.destroy();
}

/** Resolves true once the answer was fully handed to the OS, false if the connection closed before. */
export function delivered(ex: Exchange): Promise<boolean> {
  const { res } = ex;
  if (res.writableFinished) return Promise.resolve(true);
  if (res.destroyed || ex.req.socket.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      res.off('finish', onFinish);
      res.off('close', onClose);
      resolve(v);
    };
    const onFinish = () => done(true);
    const onClose = () => done(res.writableFinished);
    res.on('finish', onFinish);
    res.on('close', onClose);
  });
}

/** `X-Ordeal-Pid`: absent is null (an engine exporting spans sends none); anything but a pid is refused (400). */
function parsePid(v: string | string[] | undefined): number | null {
  if (v === undefined) return null;
  const text = Array.isArray(v) ? v.join(', ') : v.trim();
  const pid = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(pid > 0 && pid <= 2 ** 31 - 1))
    throw new HttpError(
      400,
      'bad-header',
      `header '${HEADERS.pid}' must be the sending process's pid, a whole number from 1 (got ${JSON.stringify(text)}); leave it out rather than send another value`,
    );
  return pid;
}

/**
 * Reads the body up to `limit` bytes. An oversized body is drained to its end before the 413 is answered
 * (so the client reads the answer rather than a reset), unless it is absurdly large.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'payload-too-large', `request body must be at most ${limit} bytes`, { connection: 'close' });
  const drainCap = Math.max(limit * 16, 64 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number(req.headers['content-length']) > limit;
    let settled = false;
    const settle = (f: () => void) => settled || ((settled = true), f());
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) over = true;
      if (over) {
        chunks.length = 0;
        if (size > drainCap) settle(() => reject(tooLarge()));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => settle(() => (over ? reject(tooLarge()) : resolve(Buffer.concat(chunks)))));
    req.on('error', (e) => settle(() => reject(new HttpError(400, 'bad-request', `request body could not be read: ${e.message}`))));
    req.on('close', () => settle(() => reject(new HttpError(400, 'bad-request', 'the connection closed before the body was complete'))));
  });
}

function decode(req: IncomingMessage, raw: Buffer, limit: number): Buffer {
  const enc = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (enc === 'identity' || enc === '') return raw;
  if (enc !== 'gzip') throw new HttpError(415, 'unsupported-encoding', `header 'content-encoding' must be gzip or identity (got '${enc}')`);
  try {
    return gunzipSync(raw, { maxOutputLength: limit });
  } catch (e) {
    throw new HttpError(400, 'bad-encoding', `gzip body could not be decoded or exceeds ${limit} bytes: ${(e as Error).message}`);
  }
}

export interface ServerOptions {
  routes: Route[];
  /** One line per request; omitted = silent. */
  log?: (line: string) => void;
}

/** An HTTP server that never lets a request crash it: unknown routes, wrong methods and handler errors become JSON 4xx/5xx. */
export function createWorldServer(opts: ServerOptions): Server {
  const routes = opts.routes.map(compile);
  const server = createServer((req, res) => {
    const started = Date.now();
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();
    if (opts.log) res.on('close', () => opts.log?.(`${method} ${url} ${res.headersSent ? res.statusCode : 'dropped'} ${Date.now() - started}ms`));
    let cached: Buffer | undefined;
    let pid: number | null = null;
    let refused: HttpError | undefined;
    try {
      pid = parsePid(req.headers[HEADERS.pid]);
    } catch (e) {
      refused = e as HttpError;
    }
    const ex: Exchange = {
      req,
      res,
      method,
      path,
      params: {},
      pid,
      header: (name) => {
        const v = req.headers[name.toLowerCase()];
        return Array.isArray(v) ? v[0] : v;
      },
      body: async (limit = DEFAULT_BODY_LIMIT) => (cached ??= decode(req, await readBody(req, limit), limit)),
      json: async (limit) => {
        const buf = await ex.body(limit);
        const text = buf.toString('utf8');
        if (text.trim() === '') return undefined;
        try {
          return JSON.parse(text) as unknown;
        } catch (e) {
          throw new HttpError(400, 'bad-json', `request body must be valid JSON: ${(e as Error).message}`);
        }
      },
    };
    void (refused ? Promise.reject(refused) : dispatch(routes, ex)).catch((e: unknown) => {
      if (e instanceof HttpError) return sendError(ex, e);
      opts.log?.(`internal error on ${method} ${path}: ${(e as Error)?.stack ?? String(e)}`);
      if (res.headersSent) return destroyConnection(ex, false);
      sendJson(ex, 500, errorBody('internal', `the world failed to handle this request: ${(e as Error)?.message ?? String(e)}`));
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable)
      socket.end(
        'HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n' +
          JSON.stringify(errorBody('bad-http', `malformed HTTP request: ${err.message}`)),
      );
    else socket.destroy();
  });
  return server;
}

async function dispatch(routes: CompiledRoute[], ex: Exchange): Promise<void> {
  const allowed: string[] = [];
  for (const r of routes) {
    const m = r.re.exec(ex.path);
    if (!m) continue;
    if (r.method !== ex.method) {
      allowed.push(r.method);
      continue;
    }
    r.names.forEach((n, i) => {
      let v = m[i + 1] ?? '';
      try {
        v = decodeURIComponent(v);
      } catch {
        throw new HttpError(400, 'bad-path', `path segment ':${n}' must be valid percent-encoding (got '${v}')`);
      }
      ex.params[n] = v;
    });
    await r.handler(ex);
    return;
  }
  if (allowed.length > 0)
    throw new HttpError(405, 'method-not-allowed', `${ex.method} is not allowed on ${ex.path}; use ${allowed.join(' or ')}`, {
      allow: allowed.join(', '),
    });
  const known = [...new Set(routes.map((r) => `${r.method} ${r.path}`))].join(', ');
  throw new HttpError(404, 'not-found', `no route ${ex.method} ${ex.path}; the world serves ${known}`);
}
