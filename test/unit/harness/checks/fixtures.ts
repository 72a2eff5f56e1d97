/** Builds RunRecords from a few lines, for checker tests: ops and ledger entries numbered as a real run would. */
import type { LedgerEntry, LedgerOutcome, Op, OpType, Outcome, RunRecord } from '../../../../harness/store/types.js';
import type { Scenario } from '../../../../harness/scenario/index.js';

export class RunBuilder {
  private readonly ops: Op[] = [];
  private readonly entries: LedgerEntry[] = [];
  private readonly attempts = new Map<string, number>();
  private expectation: Scenario['expect'] = { effects: [] };
  private files: Record<string, string> = {};
  private result: Outcome = { status: 'completed', answer: 'done' };
  private finished = true;
  private worker = 1;
  private nextId = 0;

  /** Appends one op; time advances 10 ms per op. */
  op(f: string, type: OpType, value: Record<string, unknown>, id?: string, process = `worker#${this.worker}`): number {
    const index = this.ops.length;
    this.ops.push({ index, time: 1000 + index * 10, process, type, f, value, ...(id ? { id } : {}) });
    return index;
  }

  expect(e: Partial<Scenario['expect']>): this {
    this.expectation = { ...this.expectation, ...e };
    return this;
  }

  /** One effect request that reached the ledger, with its invoke and completion ops. */
  effect(effect: string, outcome: LedgerOutcome, extra: { reason?: string; key?: string | null } = {}): this {
    const attempt = (this.attempts.get(effect) ?? 0) + 1;
    this.attempts.set(effect, attempt);
    const id = `op${this.nextId++}`;
    const type = effect.split(':')[0] ?? effect;
    const key = extra.key === undefined ? `k-${effect}` : extra.key;
    this.op('effect', 'invoke', { type, effect, key, attempt }, id);
    this.entries.push({
      seq: this.entries.length,
      time: 1000 + this.ops.length * 10,
      effect,
      type,
      key,
      outcome,
      attempt,
      pid: 100 + this.worker,
      args: {},
      ...(extra.reason ? { reason: extra.reason } : {}),
    });
    if (outcome === 'rejected') this.op('effect', 'fail', { outcome, reason: extra.reason }, id);
    else this.op('effect', 'ok', { outcome }, id);
    return this;
  }

  /** A request the world never answered nor recorded (dropped before applying). */
  dropped(effect: string): this {
    const attempt = (this.attempts.get(effect) ?? 0) + 1;
    this.attempts.set(effect, attempt);
    const id = `op${this.nextId++}`;
    this.op('effect', 'invoke', { type: effect.split(':')[0], effect, key: null, attempt }, id);
    this.op('effect', 'info', { reason: 'dropped-before-apply' }, id);
    return this;
  }

  /** A model call for `turn`, answered unless `answered` is false. */
  llm(turn: number, tokens: { prompt?: number; completion?: number; answered?: boolean } = {}): this {
    const id = `op${this.nextId++}`;
    const promptTokens = tokens.prompt ?? 100;
    this.op('llm', 'invoke', { turn, promptTokens }, id);
    if (tokens.answered === false) this.op('llm', 'info', { reason: 'killed' }, id);
    else this.op('llm', 'ok', { turn, promptTokens, completionTokens: tokens.completion ?? 20, toolCalls: 1 }, id);
    return this;
  }

  probe(point: string, step: string | number, extra: { attempt?: number; replayed?: boolean } = {}): this {
    this.op('probe', 'info', { point, step, attempt: extra.attempt ?? 1, replayed: extra.replayed ?? false });
    return this;
  }

  /** A worker starts (the first, or a restart after a kill). */
  start(): this {
    this.op('start', 'info', { pid: 100 + this.worker }, undefined, `worker#${this.worker}`);
    return this;
  }

  /** The current worker is SIGKILLed; the next start is a new worker. */
  kill(): this {
    this.op('death', 'info', { pid: 100 + this.worker, signal: 'SIGKILL' }, undefined, `worker#${this.worker}`);
    this.worker++;
    return this;
  }

  outcome(o: Outcome): this {
    this.result = o;
    return this;
  }

  workspace(files: Record<string, string>): this {
    this.files = files;
    return this;
  }

  /** The orchestrator died before finishing the run folder. */
  unfinished(): this {
    this.finished = false;
    return this;
  }

  build(): RunRecord {
    const history = [...this.ops];
    if (this.finished) {
      const index = history.length;
      history.push({ index, time: 1000 + index * 10, process: 'orchestrator', type: 'info', f: 'outcome', value: { ...this.result } });
    }
    return {
      dir: '/tmp/runs/fixture',
      info: {
        id: 'fixture',
        adapter: 'reference',
        scenario: 'fixture',
        schedule: [],
        seed: 1,
        idempotency: 'framework',
        options: {},
        versions: {},
        startedAt: '2025-01-01T00:00:00.000Z',
      },
      scenario: {
        name: 'fixture',
        description: 'a hand-made run',
        task: 'do it',
        fixture: { resources: {}, workspace: {} },
        cassette: [],
        expect: this.expectation,
      },
      history,
      ledger: [...this.entries],
      spans: [],
      outcome: this.finished ? this.result : { status: 'running' },
      workspace: { ...this.files },
      complete: this.finished,
    };
  }
}

export function run(): RunBuilder {
  return new RunBuilder();
}

/** The scenario's expectation of one effect. */
export function eff(id: string, count?: number): Scenario['expect']['effects'][number] {
  return { id, type: id.split(':')[0] ?? id, ...(count === undefined ? {} : { count }) };
}
