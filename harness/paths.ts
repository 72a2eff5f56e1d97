import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: this file is at `<root>/harness/paths.ts` or `<root>/dist/harness/paths.js`. */
const here = dirname(fileURLToPath(import.meta.url));
export const packageRoot = resolve(here, here.includes('/dist/') || here.endsWith('/dist/harness') ? '../..' : '..');
export const distRoot = resolve(packageRoot, 'dist');
export const scenariosDir = resolve(packageRoot, 'scenarios');
