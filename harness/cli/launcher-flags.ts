/** `--launcher` and `--image`: where engines run. Like --otlp-endpoint they become environment variables every case reads. */
import type { Argv } from 'yargs';
import { CONTAINER_ENGINES, LAUNCHERS } from '../launch/index.js';

const last = (v: unknown): string => String(Array.isArray(v) ? v[v.length - 1] : v);

/** Adds `--launcher native|containers` (ORDEAL_LAUNCHER) and `--image ENGINE=IMAGE[,bin=PATH]` (ORDEAL_IMAGES, repeatable). */
export function withLauncherFlags<T>(y: Argv<T>) {
  return y
    .option('launcher', {
      type: 'string',
      choices: LAUNCHERS,
      describe:
        'where engines run: native processes from .engines/ (default), or containers of their official images (Docker; same as ORDEAL_LAUNCHER)',
      // kept as given: given twice it stays an array, which the check of every command refuses (ORD-141)
      coerce: (v: unknown) => {
        process.env.ORDEAL_LAUNCHER = last(v);
        return v as string;
      },
    })
    .option('image', {
      type: 'string',
      array: true,
      describe: `with --launcher containers: ENGINE=IMAGE[,bin=/path/in/image] instead of the official image (repeatable; ENGINE one of ${CONTAINER_ENGINES.join(', ')}; same as ORDEAL_IMAGES)`,
      // checked when cases start (checkLauncher): a throw inside coerce would surface as an internal error
      coerce: (v: unknown) =>
        (process.env.ORDEAL_IMAGES = [process.env.ORDEAL_IMAGES ?? '', ...(Array.isArray(v) ? v : [v]).map(String)].join(' ').trim()),
    });
}
