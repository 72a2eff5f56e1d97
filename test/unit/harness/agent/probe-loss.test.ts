// A probe is ordeal's instrumentation: one the network loses never fails the agent's step; an answer from the world does.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorldClient, WorldHttpError } from '../../../../harness/agent/index.js';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
  vi.restoreAllMocks();
});

/** A server that answers `/probe` with `answer` and counts the requests it got. */
async function world(answer: 'hang-up' | 400): Promise<{ client: WorldClient; got: () => number }> {
  let got = 0;
  server = createServer((req, res) => {
    got++;
    req.resume();
    if (answer === 'hang-up')
      req.socket.destroy(); // the connection closes with no answer, as a healed partition does
    else res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"bad-probe"}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { client: new WorldClient(`http://127.0.0.1:${port}`), got: () => got };
}

describe('probe', () => {
  it('resolves to {} and says so on stderr when the connection closes with no answer', async () => {
    const { client, got } = await world('hang-up');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(client.probe('step:journaled', { step: 4 })).resolves.toEqual({});
    expect(got()).toBe(1); // sent once: a probe lost is not sent again (the world may have seen it)
    expect(stderr).toHaveBeenCalledWith(expect.stringContaining('probe step:journaled lost on the way to the world (socket hang up)'));
  });

  it('still throws for worker:ready (the orchestrator waits on it) and for an answer from the world', async () => {
    const lost = await world('hang-up');
    await expect(lost.client.probe('worker:ready')).rejects.toThrow('socket hang up');
    server!.close();
    const refused = await world(400);
    await expect(refused.client.probe('tool:before', { step: 1 })).rejects.toBeInstanceOf(WorldHttpError);
  });

  it("leaves the agent's own calls as they were: a model call on a closed connection throws", async () => {
    const { client } = await world('hang-up');
    await expect(client.chat([{ role: 'user', content: 'hi' }])).rejects.toThrow('socket hang up');
  });
});
