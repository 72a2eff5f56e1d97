/**
 * The warm rows (the warm loop, the reference runtime in one warm process) measured in a process of their own, a fresh
 * one for each measurement, as a production worker is a process that runs the worker and nothing else. Measured in the
 * bench's own process, the reference row rose measurement by measurement over a run (1.24, 1.36, 1.34, 1.44, 1.49 ms a
 * turn, one beside each floor measurement), as the process went on running the adapters' cases, while five
 * measurements in a row in a process alone stayed level (1.16–1.22 ms): the run's history, not the runtime, was in it.
 */
import { join } from 'node:path';
import { spawnGroup } from '../harness/launch/index.js';
import { distRoot } from '../harness/paths.js';
import type { Loopback } from './loopback.js';
import type { WarmReference } from './warm-reference.js';

export interface WarmRowsRequest {
  dir: string;
  /** The chains' length: the warm loop sends turn n/2's conversation, the reference runs chains of n turns. */
  n: number;
  quick: boolean;
  /** Also the reference runtime's row (when the bench measures the reference adapter). */
  reference: boolean;
}

export interface WarmRows {
  warmChain: NonNullable<Loopback['warmChain']>;
  reference?: WarmReference;
}

export type WarmRowsMessage = { kind: 'done'; rows: WarmRows } | { kind: 'failed'; error: string };

export async function measureWarmRows(request: WarmRowsRequest): Promise<WarmRows> {
  const logFile = join(request.dir, 'warm-rows.log');
  const proc = spawnGroup({ name: 'warm rows', command: join(distRoot, 'bench/warm-main.js'), args: [], ipc: true, logFile });
  try {
    const answer = new Promise<WarmRows>((resolve, reject) => {
      proc.child.once('message', (m: WarmRowsMessage) =>
        m.kind === 'done' ? resolve(m.rows) : reject(new Error(`bench: the warm rows' process failed: ${m.error}`)),
      );
      void proc.exited.then((e) =>
        reject(new Error(`bench: the warm rows' process exited (code ${e.code}, signal ${e.signal}) before it answered; see ${logFile}`)),
      );
    });
    proc.child.send(request);
    return await answer;
  } finally {
    await proc.stop(2000);
  }
}
