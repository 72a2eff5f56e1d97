/** Each bench shape's physical floor: the fdatasyncs and loopback round trips one step needs at the least, at their measured p50. */
import type { DiskFloor } from './floor.js';
import type { Loopback } from './loopback.js';
import { median, round, type Quantiles } from './stats.js';

export interface ShapeFloor {
  /** The least one step of the shape can cost on this machine, ms. */
  perStepMs: number;
  /** fdatasyncs one step needs at the least. */
  fdatasyncs: number;
  /** Loopback round trips to the world one step needs, in sequence (the fan-out's overlap instead: see `counts`). */
  roundTrips: number;
  /** What the floor counts, and why that is the least. */
  counts: string;
}

/** The disk, the loopback round trips, and the floor of each shape built from them. */
export interface Floor extends DiskFloor {
  loopback: Loopback;
  chain: ShapeFloor;
  fanOut: ShapeFloor;
  /** How many measurements (one before each bare loop, one before each adapter) each figure is the median of. */
  measurements?: number;
}

/** Each figure the median over the measurements (nearest rank), and the shapes' floors built from those medians. */
export function medianFloor(all: Floor[]): Floor {
  const q = (pick: (f: Floor) => Quantiles): Quantiles => ({ p50: median(all.map((f) => pick(f).p50)), p99: median(all.map((f) => pick(f).p99)) });
  const disk: DiskFloor = { fdatasyncMs: q((f) => f.fdatasyncMs), sqliteFullInsertMs: q((f) => f.sqliteFullInsertMs) };
  const first = all[0]!.loopback;
  const loopback: Loopback = {
    modelCallMs: { ...q((f) => f.loopback.modelCallMs), turns: first.modelCallMs.turns },
    toolCallMs: q((f) => f.loopback.toolCallMs),
    burst: { n: first.burst.n, p50Ms: median(all.map((f) => f.loopback.burst.p50Ms)), oneP50Ms: median(all.map((f) => f.loopback.burst.oneP50Ms)) },
    ...(first.warmChain ? { warmChain: { ...q((f) => f.loopback.warmChain!), turns: first.warmChain.turns, steps: first.warmChain.steps } } : {}),
  };
  return { ...disk, loopback, ...shapeFloors(disk, loopback), measurements: all.length };
}

const ms = (x: number) => `${x.toFixed(3)} ms`;

export function shapeFloors(disk: DiskFloor, net: Loopback): { chain: ShapeFloor; fanOut: ShapeFloor } {
  const sync = disk.fdatasyncMs.p50;
  const model = net.modelCallMs.p50;
  const tool = net.toolCallMs.p50;
  const { n, p50Ms, oneP50Ms } = net.burst;
  return {
    chain: {
      perStepMs: round(model + tool + 2 * sync),
      fdatasyncs: 2,
      roundTrips: 2,
      counts:
        `one more turn = the model call (round trip p50 ${ms(model)}, sending the conversation of turn ${net.modelCallMs.turns}, the chain's mean size) ` +
        `+ the tool call it asks for (round trip p50 ${ms(tool)}) ` +
        `+ 2 fdatasyncs (p50 ${ms(sync)} each). Two commits at the least because a durable step persists its result before ` +
        `anything that depends on it proceeds, and each of the two steps has a dependant: the model's reply must be on disk ` +
        `before the tool call it asks for runs (a crash could otherwise replay a different reply after the call's effect), and ` +
        `the tool's result before the next model call carries it (a crash could otherwise run the call again). Nothing of the ` +
        `turn can overlap: each call needs the previous result.`,
    },
    fanOut: {
      perStepMs: round((p50Ms - oneP50Ms) / (n - 1)),
      fdatasyncs: 0,
      roundTrips: 1,
      counts:
        `one more call in a turn of N = ${n} concurrent calls = its share of a burst of ${n} concurrent tool round trips, ` +
        `(W(${n}) − W(1)) / ${n - 1} with W(${n}) p50 ${ms(p50Ms)} and W(1) p50 ${ms(oneP50Ms)}, + 0 fdatasyncs: the calls ` +
        `of one turn depend on nothing but the model's reply, so their round trips overlap and their results may share one ` +
        `commit (group commit); the turn's own commits are paid once, in T(1).`,
    },
  };
}
