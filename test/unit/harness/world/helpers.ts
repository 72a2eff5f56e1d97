/** Shared by the world's tests: a fake IPC channel, a small scenario, and a world on an ephemeral port. */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorld, type FromWorld, type ToWorld, type World, type WorldOp } from '../../../../harness/world/index.js';
import type { Scenario } from '../../../../harness/scenario/index.js';

export class FakeChannel extends EventEmitter {
  readonly sent: FromWorld[] = [];

  send(m: FromWorld): void {
    this.sent.push(JSON.parse(JSON.stringify(m)) as FromWorld);
    this.emit('sent', m);
  }

  deliver(m: ToWorld): void {
    this.emit('message', m);
  }

  ops(f?: string): WorldOp[] {
    return this.sent.flatMap((m) => (m.kind === 'op' && (f === undefined || m.op.f === f) ? [m.op] : []));
  }

  /** Resolves with the first message (already sent or to come) that satisfies `pred`. */
  waitFor<T extends FromWorld>(pred: (m: FromWorld) => m is T): Promise<T>;
  waitFor(pred: (m: FromWorld) => boolean): Promise<FromWorld>;
  waitFor(pred: (m: FromWorld) => boolean): Promise<FromWorld> {
    const found = this.sent.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const on = (m: FromWorld) => {
        if (!pred(m)) return;
        this.off('sent', on);
        resolve(m);
      };
      this.on('sent', on);
    });
  }

  waitForTrigger(): Promise<Extract<FromWorld, { kind: 'trigger' }>> {
    return this.waitFor((m): m is Extract<FromWorld, { kind: 'trigger' }> => m.kind === 'trigger');
  }
}

export function testScenario(): Scenario {
  return {
    name: 'refund-test',
    description: 'a refund with an email',
    task: 'Refund order 1 and tell the customer',
    fixture: { resources: { 'order-1': { id: 'o-1', amount: 42 } }, workspace: {} },
    cassette: [
      { say: 'Looking it up', calls: [{ tool: 'read_resource', args: { id: 'order-1' } }] },
      {
        calls: [
          {
            tool: 'refund',
            args: { order: '{{result:0.value.id}}', amount: '{{result:0.value.amount}}', note: 'refund of {{result:0.value.id}}' },
            effect: 'refund:order-1',
          },
          { tool: 'send_email', args: { to: 'c@example.com', body: 'Your refund is on its way' }, effect: 'email:customer' },
        ],
      },
      { final: 'Refunded {{result:0.value.id}}', usage: { promptTokens: 100, completionTokens: 7 } },
    ],
    expect: {
      effects: [
        { id: 'refund:order-1', type: 'refund' },
        { id: 'email:customer', type: 'send_email' },
      ],
    },
  };
}

export interface TestWorld {
  world: World;
  channel: FakeChannel;
  dir: string;
  url: string;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  put(path: string, body: unknown): Promise<{ status: number; body: any }>;
  lines(file: string): any[];
  stop(): Promise<void>;
}

export async function withWorld(scenario: Scenario = testScenario()): Promise<TestWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ordeal-world-'));
  const channel = new FakeChannel();
  const world = await startWorld({ runId: 'run-test', runDir: dir, scenario, host: '127.0.0.1', port: 0 }, channel);
  const url = world.url;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };
  return {
    world,
    channel,
    dir,
    url,
    post: (p, b, h) => call('POST', p, b, h),
    get: (p) => call('GET', p),
    put: (p, b) => call('PUT', p, b),
    lines: (file) => {
      const f = join(dir, file);
      if (!existsSync(f)) return [];
      return readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l));
    },
    stop: async () => {
      await world.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An OpenAI-style conversation after `toolResults` tool rounds (one assistant message per round). */
export function conversation(toolResults: unknown[][]): { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[] {
  const msgs: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[] = [
    { role: 'system', content: 'You are a support agent.' },
    { role: 'user', content: 'Refund order 1 and tell the customer' },
  ];
  toolResults.forEach((round, r) => {
    msgs.push({
      role: 'assistant',
      content: null,
      tool_calls: round.map((_, i) => ({ id: `x${r}_${i}`, type: 'function', function: { name: 't', arguments: '{}' } })),
    });
    round.forEach((res, i) => msgs.push({ role: 'tool', tool_call_id: `x${r}_${i}`, content: JSON.stringify(res) }));
  });
  return msgs;
}
