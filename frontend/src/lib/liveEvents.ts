// The Live page's buffer: newest first, at most MAX_EVENTS, each event id once (a replay after a
// reconnect may repeat events already shown).

import type { LiveCostEvent } from "./api";

export const MAX_EVENTS = 100;

export type LiveEvent = { id: number; data: LiveCostEvent; receivedAt: number };

export function mergeEvents(current: readonly LiveEvent[], incoming: readonly LiveEvent[], max = MAX_EVENTS): LiveEvent[] {
  const byId = new Map<number, LiveEvent>();
  for (const event of current) byId.set(event.id, event);
  for (const event of incoming) if (!byId.has(event.id)) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, max);
}
