// The worker kit reads a 429's retry-after header into WorldHttpError.retryAfterMs.
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, WorldClient, WorldHttpError } from '../../../../harness/agent/index.js';

describe('retry-after', () => {
  it('parses delta-seconds and HTTP dates; ignores what is neither', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter(' 0.5 ', now)).toBe(500);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('gives a 429 answer its hint as WorldHttpError.retryAfterMs', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end('{"error":"rate_limit_exceeded"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const err = await new WorldClient(`http://127.0.0.1:${port}`).chat([{ role: 'user', content: 'hi' }]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorldHttpError);
      expect(err).toMatchObject({ status: 429, retryAfterMs: 7000, retryable: true });
    } finally {
      server.close();
    }
  });
});
