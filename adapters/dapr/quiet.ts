/**
 * The SDKs' clients print to stdout ("Starting new … instance", "Raising event …": durabletask-js with
 * console.log, @dapr/dapr's logger with console.info), which would corrupt `ordeal … --json`.
 */
let depth = 0;
let saved: Pick<Console, 'log' | 'info'> = { log: console.log, info: console.info };

/** Runs `fn` with `console.log` and `console.info` muted; nested and overlapping calls restore them once the last one ends. */
export async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    saved = { log: console.log, info: console.info };
    console.log = () => undefined;
    console.info = () => undefined;
  }
  try {
    return await fn();
  } finally {
    if (--depth === 0) {
      console.log = saved.log;
      console.info = saved.info;
    }
  }
}
