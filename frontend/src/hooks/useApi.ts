// Loads server data for a key (usually the URL), refreshing on an interval and whenever
// `refreshToken` changes (live events). Data belongs to the key it was loaded for: after the key
// changes the old answer is not shown as if it were the new one.

import { useEffect, useState } from "react";
import { fetchJson } from "../lib/api";

export type Loaded<T> = { data: T | null; error: Error | null; loading: boolean };

type State<T> = { key: string | null; data: T | null; error: Error | null };

export function useLoad<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  options: { refreshMs?: number; refreshToken?: number } = {},
): Loaded<T> {
  const [state, setState] = useState<State<T>>({ key: null, data: null, error: null });
  const [tick, setTick] = useState(0);
  const { refreshMs, refreshToken } = options;

  useEffect(() => {
    if (!refreshMs) return;
    const timer = window.setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => window.clearInterval(timer);
  }, [refreshMs, key]);

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, data, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // A failed refresh keeps the last good answer for the same key and says why beside it.
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : null,
          error: error instanceof Error ? error : new Error(String(error)),
        }));
      },
    );
    return () => controller.abort();
    // `load` is rebuilt on every render by callers; the key names what it loads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick, refreshToken]);

  const current = state.key === key;
  return {
    data: current ? state.data : null,
    error: current ? state.error : null,
    loading: key !== null && (!current || (state.data === null && state.error === null)),
  };
}

export function useApi<T>(url: string | null, options: { refreshMs?: number; refreshToken?: number } = {}): Loaded<T> {
  return useLoad<T>(url, (signal) => fetchJson<T>(url ?? "", signal), options);
}
