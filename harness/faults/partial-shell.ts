import { intParam, onlyParams } from './params.js';
import type { Fault } from './types.js';

/** The shell command runs k of its simple commands, then exits 97 (see harness/agent/tools.ts). */
export const partialShell: Fault = {
  name: 'partial-shell',
  description: 'the shell command runs only its first k simple commands (default 1), then exits non-zero: a half-done edit',
  triggers: ['shell'],
  params: { k: { type: 'integer', min: 0, max: 3 } },
  validate(spec) {
    onlyParams(spec, ['k']);
    intParam(spec, 'k', 1, 0);
  },
  async fire(_ctx, spec) {
    return { release: { type: 'partial', k: intParam(spec, 'k', 1, 0) } };
  },
};
