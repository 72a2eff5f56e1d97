// JSON encoding of journaled values and errors; live results are round-tripped so replay returns the same shape.
import { errorClassesByCode, StepFailedError } from './errors.js';
import type { SerializedError } from './types.js';

export function encodeValue(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function decodeValue(text: string | null | undefined): unknown {
  return text === null || text === undefined ? undefined : JSON.parse(text);
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, message: error.message, code } : { name: error.name, message: error.message };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuild a journaled error with its class (by code); unknown errors become StepFailedError. */
export function reviveError(serialized: SerializedError, cause?: unknown): Error {
  const options = cause === undefined ? undefined : { cause };
  const Cls = serialized.code === undefined ? undefined : errorClassesByCode[serialized.code];
  if (Cls !== undefined) return new Cls(serialized.message, options);
  if (serialized.code === 'REF-106') return new StepFailedError(serialized.message, 'StepFailedError', options);
  return new StepFailedError(serialized.message, serialized.name, options);
}
