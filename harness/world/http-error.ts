/** Errors the world answers to a malformed or refused request: always `{"error": {"code", "message"}}`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** 400: a body field is missing or has the wrong type; the message names the field and what was expected. */
export function badField(field: string, expected: string, got?: unknown): HttpError {
  const tail = arguments.length > 2 ? ` (got ${describe(got)})` : '';
  return new HttpError(400, 'invalid-field', `field '${field}' ${expected}${tail}`);
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} chars` : JSON.stringify(v);
  if (typeof v === 'object') return 'an object';
  return typeof v === 'number' || typeof v === 'boolean' ? `${typeof v} ${v}` : typeof v;
}
