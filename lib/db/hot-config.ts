import 'server-only';
import { getPool } from './pool';

/**
 * Hot configuration cached in-process (decision 18): read the rows once, serve them from memory,
 * and reload after a NOTIFY on the channel says they changed (a trigger on the tables sends it),
 * so every app instance sees an edit within a notification's round trip. A lost notification or
 * a dropped LISTEN connection cannot leave an instance stale for long: the value is also reloaded
 * once it is older than `maxStaleMs`. Never cache money with this: only settings that may lag by
 * a moment (flags, catalog, prices shown, plan lists).
 */

type Listen = (channel: string, onNotify: () => void, onListen?: () => void) => Promise<unknown>;

interface HotConfigOptions<T> {
  channel: string;
  load: () => Promise<T>;
  /** How old a value may get when no notification arrives (default 30 s). */
  maxStaleMs?: number;
  /** The LISTEN to use (defaults to the pool's); tests pass a second connection's. */
  listen?: Listen;
}

export interface HotConfig<T> {
  /** The cached value, reloaded first when it was invalidated or is too old. */
  get(): Promise<T>;
  /** Drops the cached value: the next get() reloads. */
  invalidate(): void;
  /** Resolves once LISTEN is in place (tests wait for it before changing rows). */
  ready(): Promise<void>;
}

export function hotConfig<T>(options: HotConfigOptions<T>): HotConfig<T> {
  const maxStaleMs = options.maxStaleMs ?? 30_000;
  let value: T | undefined;
  let loadedAt = 0;
  // Bumped by every invalidation: a load that started before one is not kept as fresh.
  let version = 0;
  let loading: Promise<T> | undefined;
  let listening: Promise<void> | undefined;

  const invalidate = () => {
    version += 1;
    value = undefined;
  };

  const ready = (): Promise<void> => {
    const listen: Listen =
      options.listen ??
      ((channel, onNotify, onListen) => getPool().listen(channel, onNotify, onListen));
    listening ??= listen(options.channel, invalidate, invalidate).then(
      () => undefined,
      (error: unknown) => {
        // Without LISTEN the staleness bound still holds; try again on a later read.
        listening = undefined;
        console.error(`[config] LISTEN ${options.channel} failed`, error);
      },
    );
    return listening;
  };

  const reload = (): Promise<T> => {
    const started = version;
    loading ??= options
      .load()
      .then((loaded) => {
        if (started === version) {
          value = loaded;
          loadedAt = Date.now();
        }
        return loaded;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    get() {
      if (!listening) void ready();
      if (value !== undefined && Date.now() - loadedAt < maxStaleMs) return Promise.resolve(value);
      return reload();
    },
    invalidate,
    ready,
  };
}
