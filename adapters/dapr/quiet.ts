/** The SDK's client prints to stdout ("Starting new … instance", "Raising event …"), which would corrupt `ordeal … --json`. */
let depth = 0;
let saved: typeof console.log = console.log;

/** Runs `fn` with `console.log` muted; nested and overlapping calls restore it once the last one ends. */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    saved = console.log;
    console.log = () => undefined;
  }
  try {
    return await fn();
  } finally {
    if (--depth === 0) console.log = saved;
  }
}
