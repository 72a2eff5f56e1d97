import { defineFault } from './schema.js';

/** The shell command runs k of its simple commands, then exits 97 (see harness/agent/tools.ts). */
export const partialShell = defineFault({
  name: 'partial-shell',
  description: 'the shell command runs only its first k simple commands, then exits non-zero: a half-done edit',
  triggers: ['shell'],
  params: {
    k: { type: 'integer', min: 0, max: 1_000_000, default: 1, draw: { min: 0, max: 3 }, doc: 'how many simple commands run before the exit' },
  },
  async fire(_ctx, p) {
    return { release: { type: 'partial', k: p.k } };
  },
});
