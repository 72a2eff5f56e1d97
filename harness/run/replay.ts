/** How a case is replayed: the command printed with every failing case. */
import { relative } from 'node:path';

/** The one command that reruns a case from its run folder. */
export function replayCommand(runDir: string): string {
  const rel = relative(process.cwd(), runDir);
  return `ordeal replay ${rel.startsWith('..') ? runDir : rel}`;
}
