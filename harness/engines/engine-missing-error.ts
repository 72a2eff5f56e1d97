import { HarnessError } from '../errors.js';

/** ORD-301: a run needs an engine that is not installed (at the pinned version) under the engines root. */
export class EngineMissingError extends HarnessError {
  override name = 'EngineMissingError';
  constructor(
    readonly engine: string,
    readonly root: string,
    detail = '',
  ) {
    super(`engine ${engine} is not installed in ${root}${detail ? ` (${detail})` : ''}; run \`ordeal engines install ${engine}\``, 'ORD-301');
  }
}
