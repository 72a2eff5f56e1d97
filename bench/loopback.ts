/**
 * The network part of the floor: loopback HTTP round trips to a real world process started for the purpose, through the
 * workers' own client (`WorldClient`, Node's http client): the model call a turn makes, the tool call a bench step makes, and a
 * burst of N concurrent tool calls (what one more call of a fan-out turn costs when its round trip overlaps the others).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { openingMessages, toolSchemas, WorldClient, type ChatMessage } from '../harness/agent/index.js';
import { startWorld } from '../harness/run/world-process.js';
import { BENCH_RESOURCE, benchScenario } from './scenarios.js';
import { median, quantiles, round, type Quantiles } from './stats.js';
import { latency } from './floor.js';

export interface Loopback {
  /**
   * POST /v1/chat/completions with the conversation as it stands after `turns` one-call turns: a chain of N sends a
   * growing conversation, and the one at turn N/2 has its mean size.
   */
  modelCallMs: Quantiles & { turns: number };
  /** GET /resources/bench: the bench's tool call. */
  toolCallMs: Quantiles;
  /** Wall time of a burst of `n` concurrent tool calls, p50, beside a burst of one. */
  burst: { n: number; p50Ms: number; oneP50Ms: number };
  /**
   * A chain step done by hand in a warm process of its own (bench/warm-process.ts): the model call (the conversation of
   * turn `turns`), its reply written to a preallocated file in place and fdatasynced, the tool call, its result written
   * and fdatasynced; `steps` steps measured after WARM_UP_STEPS unmeasured ones (1,000 with --quick). The floor's parts,
   * in the order a chain needs them, by a process that has already made thousands of these calls: what a long-lived
   * worker beside a long-lived world could reach. Measured by measureWarmLoop, not measureLoopback. Absent from a
   * bench.json of an older ordeal.
   */
  warmChain?: Quantiles & { turns: number; steps: number };
}

/** The messages `turns` one-call turns add to a conversation: the model's call and the tool's answer, as the agent loops write them. */
function midChain(turns: number, result: unknown): ChatMessage[] {
  return Array.from({ length: turns }, (_, i): ChatMessage[] => {
    const id = `call_${i}_0`;
    return [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id, type: 'function', function: { name: 'read_resource', arguments: JSON.stringify({ id: BENCH_RESOURCE }) } }],
      },
      { role: 'tool', tool_call_id: id, content: JSON.stringify(result) },
    ];
  }).flat();
}

/** The warm loop's journal: preallocated, rewritten in place from its start when full. */
const WARM_JOURNAL_BYTES = 1 << 20;
/** Unmeasured warm-loop steps first, as many as the reference row's warm-up turns (bench/warm-reference.ts). */
export const WARM_UP_STEPS = 5000;

export async function measureLoopback(dir: string, n: number, quick: boolean): Promise<Loopback> {
  const tmp = mkdtempSync(join(dir, 'loopback-'));
  const scenario = benchScenario('chain', n);
  const world = await startWorld({ runId: 'bench-loopback', runDir: tmp, scenario, host: '127.0.0.1', port: 0 }, join(tmp, 'world.log'));
  const client = new WorldClient(world.url);
  const turns = Math.floor(n / 2);
  const messages = [...openingMessages(scenario), ...midChain(turns, await client.readResource(BENCH_RESOURCE))];
  try {
    const bench = new Bench({ iterations: quick ? 100 : 1000, time: quick ? 100 : 1000, warmupIterations: 20 });
    bench.add('model call', async () => void (await client.chat(messages, toolSchemas)));
    bench.add('tool call', async () => void (await client.readResource(BENCH_RESOURCE)));
    await bench.run();
    const [model, tool] = bench.tasks.map((t) => latency(t.result, t.name));
    const burst = async (k: number): Promise<number> => {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: k }, () => client.readResource(BENCH_RESOURCE)));
      return performance.now() - t0;
    };
    await burst(n); // opens the connections a burst needs (a warm client, as the floor should be)
    const reps = quick ? 10 : 50;
    const many: number[] = [];
    const one: number[] = [];
    // a burst leaves the world's history ops to this process (IPC): let them drain so that no burst waits for another's
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    for (let r = 0; r < reps; r++) {
      await settle();
      many.push(await burst(n));
      await settle();
      one.push(await burst(1));
    }
    return {
      modelCallMs: { ...(model as Quantiles), turns },
      toolCallMs: tool as Quantiles,
      burst: { n, p50Ms: round(median(many)), oneP50Ms: round(median(one)) },
    };
  } finally {
    await world.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The warm loop: a chain step done by hand, `steps` of them after WARM_UP_STEPS unmeasured ones, beside a world started
 * for it (bench/warm-process.ts runs it in a process of its own).
 */
export async function measureWarmLoop(dir: string, n: number, quick: boolean): Promise<NonNullable<Loopback['warmChain']>> {
  const tmp = mkdtempSync(join(dir, 'warm-loop-'));
  const scenario = benchScenario('chain', n);
  const world = await startWorld({ runId: 'bench-warm-loop', runDir: tmp, scenario, host: '127.0.0.1', port: 0 }, join(tmp, 'world.log'));
  const client = new WorldClient(world.url);
  const turns = Math.floor(n / 2);
  const messages = [...openingMessages(scenario), ...midChain(turns, await client.readResource(BENCH_RESOURCE))];
  const warmUp = quick ? 1000 : WARM_UP_STEPS;
  try {
    const steps = quick ? 100 : 500;
    const journal = openSync(join(tmp, 'warm-chain.jsonl'), 'w+');
    // rewritten in place in a preallocated file, as the floor's fdatasync is measured and as a WAL that does not grow
    // is written: an fdatasync after an append also flushes the file's new size, which no durable step needs to pay
    writeSync(journal, Buffer.alloc(WARM_JOURNAL_BYTES), 0, WARM_JOURNAL_BYTES, 0);
    fdatasyncSync(journal);
    let at = 0;
    const durable = (value: unknown) => {
      const line = Buffer.from(JSON.stringify(value) + '\n');
      if (at + line.length > WARM_JOURNAL_BYTES) at = 0;
      at += writeSync(journal, line, 0, line.length, at);
      fdatasyncSync(journal);
    };
    const warm: number[] = [];
    try {
      // a process beside its world reaches its steady cost only after a few thousand of these steps (docs/bench.md)
      for (let i = 0; i < warmUp + steps; i++) {
        const t0 = performance.now();
        durable(await client.chat(messages, toolSchemas));
        durable(await client.readResource(BENCH_RESOURCE));
        if (i >= warmUp) warm.push(performance.now() - t0);
      }
    } finally {
      closeSync(journal);
    }
    return { ...quantiles(warm), turns, steps };
  } finally {
    await world.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
