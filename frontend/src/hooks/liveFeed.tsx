// One connection to /ws/live for the whole app: the Live page lists its events and the dashboard
// refreshes its totals when one arrives. On a drop it reconnects after 3 s with ?since=<last id>
// so the server replays what was missed; ids already seen are skipped.

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import type { LiveCostEvent } from "../lib/api";
import { mergeEvents, type LiveEvent } from "../lib/liveEvents";

export const RECONNECT_MS = 3_000;

export type LiveFeed = { connected: boolean; events: LiveEvent[]; received: number };

const LiveFeedContext = createContext<LiveFeed>({ connected: false, events: [], received: 0 });

export function useLiveFeed(): LiveFeed {
  return useContext(LiveFeedContext);
}

function feedUrl(since: number | null): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/ws/live${since !== null ? `?since=${since}` : ""}`;
}

export function LiveFeedProvider({ children }: { children: ReactNode }) {
  const [feed, setFeed] = useState<LiveFeed>({ connected: false, events: [], received: 0 });
  const lastId = useRef<number | null>(null);

  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry: number | undefined;
    let stopped = false;
    let pending: LiveEvent[] = [];
    let flush: number | undefined;

    // A replay after a reconnect can bring many events at once: render them in one update.
    const deliver = () => {
      flush = undefined;
      const batch = pending;
      pending = [];
      setFeed((f) => ({ ...f, events: mergeEvents(f.events, batch), received: f.received + batch.length }));
    };

    const connect = () => {
      if (stopped) return;
      socket = new WebSocket(feedUrl(lastId.current));
      socket.onopen = () => setFeed((f) => (f.connected ? f : { ...f, connected: true }));
      socket.onmessage = (message) => {
        let parsed: { type?: string; id?: number; data?: LiveCostEvent };
        try {
          parsed = JSON.parse(String(message.data)) as typeof parsed;
        } catch {
          return;
        }
        if (parsed.type !== "cost_event" || !parsed.data || typeof parsed.id !== "number") return;
        if (lastId.current !== null && parsed.id <= lastId.current) return;
        lastId.current = parsed.id;
        pending.push({ id: parsed.id, data: parsed.data, receivedAt: Date.now() });
        flush ??= window.setTimeout(deliver, 50);
      };
      socket.onclose = () => {
        socket = null;
        setFeed((f) => (f.connected ? { ...f, connected: false } : f));
        if (!stopped) retry = window.setTimeout(connect, RECONNECT_MS);
      };
      socket.onerror = () => socket?.close();
    };

    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearTimeout(flush);
      socket?.close();
    };
  }, []);

  return <LiveFeedContext.Provider value={feed}>{children}</LiveFeedContext.Provider>;
}
