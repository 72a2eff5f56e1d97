/** ordeal's error hierarchy: a stable code per kind, mapped onto the CLI's exit codes. */

/** Exit codes (ARCHITECTURE.md § Exit codes). */
export const ExitCode = { ok: 0, violated: 1, usage: 2, harness: 3 } as const;

export class OrdealError extends Error {
  override name = 'OrdealError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** ORD-1xx: the command line was used wrongly (a flag, a value, a combination). */
export class UsageError extends OrdealError {
  override name = 'UsageError';
  constructor(message: string, code = 'ORD-100') {
    super(code, message, ExitCode.usage);
  }
}

/** ORD-2xx: a file or request the user gave is malformed (scenario, schedule, config). */
export class InputError extends OrdealError {
  override name = 'InputError';
  constructor(message: string, code = 'ORD-200') {
    super(code, message, ExitCode.usage);
  }
}

/** ORD-3xx: the harness could not run a case (engine missing, port taken, process failed to start). */
export class HarnessError extends OrdealError {
  override name = 'HarnessError';
  constructor(message: string, code = 'ORD-300', options?: ErrorOptions) {
    super(code, message, ExitCode.harness, options);
  }
}

/** Turns anything thrown into an Error. */
export function ensureError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}
