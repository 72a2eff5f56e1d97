/** The warm rows' process (bench/warm-process.ts): one request over IPC, one answer, then it exits. */
import { textOf } from '../harness/json.js';
import { measureWarmLoop } from './loopback.js';
import { measureWarmReference } from './warm-reference.js';
import type { WarmRowsMessage, WarmRowsRequest } from './warm-process.js';

const answer = (m: WarmRowsMessage) => process.send!(m, () => process.exit(m.kind === 'done' ? 0 : 1));

if (typeof process.send !== 'function') {
  console.error('bench/warm-main.js is started by ordeal bench, with an IPC channel');
  process.exit(2);
}
process.once('message', (r: WarmRowsRequest) => {
  void (async () => {
    try {
      const warmChain = await measureWarmLoop(r.dir, r.n, r.quick);
      const reference = r.reference ? await measureWarmReference(r.dir, r.n, r.quick) : undefined;
      answer({ kind: 'done', rows: { warmChain, ...(reference ? { reference } : {}) } });
    } catch (e) {
      answer({ kind: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : textOf(e) });
    }
  })();
});
