import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * Ports free on 127.0.0.1 right now, for servers that must be told their port up front.
 *
 * Between this call and the server's bind, any other process could be handed the same port: by a
 * bind to port 0, or as the local port of an outgoing connection (the harness and its engines make
 * many). Each port is therefore left reserved: a connection to it is closed from the listening side
 * first, so that side waits in TIME_WAIT (60 s on Linux), during which the kernel hands the port to
 * no bind(0) and no connect(), while a server that sets SO_REUSEADDR (Node, Go, Rust/tokio all do)
 * can still bind it explicitly.
 */
export async function freePorts(n: number): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, reservePort));
}

async function reservePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  try {
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    const near = await accepted;
    const clientClosed = new Promise((r) => client.once('close', r));
    client.on('end', () => client.end());
    near.end(); // the listening side closes first: its end of the connection is the one in TIME_WAIT
    await clientClosed;
    near.destroy();
  } catch {
    // the port is still free; it is only not reserved
  } finally {
    await closeServer(server);
  }
  return port;
}

const closeServer = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

/** Polls `probe` until it resolves true or `timeoutMs` passes; stops early (rejecting) when `signal` aborts. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 100, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      if (await probe()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
