/** The versions a run folder records in `run.json` (ordeal, Node), so a later reader knows what made it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

let cached: Record<string, string> | undefined;
export function versions(): Record<string, string> {
  cached ??= {
    ordeal: (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version,
    node: process.version,
  };
  return cached;
}
