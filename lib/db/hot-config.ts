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
  const cache = hotCache<T>({
    channel: options.channel,
    maxStaleMs: options.maxStaleMs ?? 30_000,
    maxEntries: 1,
    listen: options.listen,
  });
  return {
    get: () => cache.get('', options.load),
    invalidate: cache.invalidate,
    ready: cache.ready,
  };
}

interface HotCacheOptions {
  channel: string;
  /** How old an entry may get when no notification arrives. */
  maxStaleMs: number;
  /** Entries kept at most; the oldest go first. */
  maxEntries?: number;
  listen?: Listen;
}

export interface HotCache<V> {
  /** The cached value of the key, read with `load` when missing, invalidated or too old. */
  get(key: string, load: () => Promise<V>): Promise<V>;
  invalidate(): void;
  ready(): Promise<void>;
}

/**
 * Hot configuration per key (per subject, say): like hotConfig, one NOTIFY on the channel drops
 * every entry, and an entry older than `maxStaleMs` is read again. Concurrent reads of one
 * missing key share one load.
 */
export function hotCache<V>(options: HotCacheOptions): HotCache<V> {
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { value: V; loadedAt: number }>();
  const loading = new Map<string, Promise<V>>();
  let version = 0;
  let listening: Promise<void> | undefined;

  const invalidate = () => {
    version += 1;
    entries.clear();
    loading.clear();
  };

  const ready = (): Promise<void> => {
    const listen: Listen =
      options.listen ??
      ((channel, onNotify, onListen) => getPool().listen(channel, onNotify, onListen));
    listening ??= listen(options.channel, invalidate, invalidate).then(
      () => undefined,
      (error: unknown) => {
        listening = undefined;
        console.error(`[config] LISTEN ${options.channel} failed`, error);
      },
    );
    return listening;
  };

  const reload = (key: string, load: () => Promise<V>): Promise<V> => {
    const pending = loading.get(key);
    if (pending) return pending;
    const started = version;
    const promise = load()
      .then((value) => {
        if (started === version) {
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(key, { value, loadedAt: Date.now() });
        }
        return value;
      })
      .finally(() => {
        if (loading.get(key) === promise) loading.delete(key);
      });
    loading.set(key, promise);
    return promise;
  };

  return {
    get(key, load) {
      if (!listening) void ready();
      const entry = entries.get(key);
      if (entry && Date.now() - entry.loadedAt < options.maxStaleMs) {
        return Promise.resolve(entry.value);
      }
      return reload(key, load);
    },
    invalidate,
    ready,
  };
}
