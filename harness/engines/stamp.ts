/** A small JSON stamp per engine under `<root>/.stamps/` recording which version was installed. */
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Stamp {
  name: string;
  version: string;
  installedAt: string;
}

export function stampPath(root: string, name: string): string {
  return join(root, '.stamps', `${name}.json`);
}

export function readStamp(root: string, name: string): Stamp | undefined {
  try {
    const parsed = JSON.parse(readFileSync(stampPath(root, name), 'utf8')) as Partial<Stamp>;
    if (typeof parsed.version !== 'string') return undefined;
    return { name, version: parsed.version, installedAt: String(parsed.installedAt ?? '') };
  } catch {
    return undefined;
  }
}

export function writeStamp(root: string, name: string, version: string): void {
  mkdirSync(join(root, '.stamps'), { recursive: true });
  const stamp: Stamp = { name, version, installedAt: new Date().toISOString() };
  writeFileSync(stampPath(root, name), `${JSON.stringify(stamp, null, 2)}\n`);
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The shared `installed()` test: the stamp has the pinned version and the binary is executable. */
export function stampedAt(root: string, name: string, version: string, binary: string): boolean {
  return readStamp(root, name)?.version === version && isExecutable(binary);
}
