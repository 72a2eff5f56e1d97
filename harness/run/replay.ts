import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../paths.js';

/** The one command that reruns a case from its run folder. */
export function replayCommand(runDir: string): string {
  const rel = relative(process.cwd(), runDir);
  return `ordeal replay ${rel.startsWith('..') ? runDir : rel}`;
}

let cached: Record<string, string> | undefined;
export function versions(): Record<string, string> {
  cached ??= {
    ordeal: (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version,
    node: process.version,
  };
  return cached;
}
