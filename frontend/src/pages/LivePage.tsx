import { getRoleColor, groupLabel } from "../lib/colors";
import { formatTimeOfDay, formatUsd } from "../lib/format";
import { useLiveFeed } from "../hooks/liveFeed";
import { MAX_EVENTS } from "../lib/liveEvents";
import { useView } from "../hooks/view";

export function LivePage() {
  const { connected, events } = useLiveFeed();
  const { zone } = useView();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold text-white">Live Feed</h1>
        <div data-testid="live-status" data-connected={connected} className="flex items-center gap-2 text-sm">
          <span className={`h-2.5 w-2.5 rounded-full ${connected ? "bg-green-500 shadow-[0_0_8px] shadow-green-500/70" : "bg-red-500"}`} />
          <span className={connected ? "text-green-400" : "text-red-400"}>{connected ? "Connected" : "Disconnected"}</span>
        </div>
      </div>
      <p className="text-xs text-gray-500">Newest first · the last {MAX_EVENTS} events · times in {zone}</p>

      {events.length === 0 ? (
        <div data-testid="live-empty" className="rounded-xl border border-dashed border-gray-800 p-10 text-center text-gray-500">
          {connected ? "Waiting for cost events..." : "Connecting to live feed..."}
        </div>
      ) : (
        <ul data-testid="live-events" className="space-y-2">
          {events.map(({ id, data }) => (
            <li key={id} data-testid="live-event" data-event-id={id}
              className="flex items-center justify-between gap-3 rounded-lg border border-gray-800 bg-gray-900 px-4 py-2.5">
              <div className="flex min-w-0 items-center gap-2">
                <span className="h-2.5 w-2.5 shrink-0 rounded-full" style={{ backgroundColor: getRoleColor(data.role) }} />
                <span className="font-medium text-gray-100">{groupLabel(data.role, "no role")}</span>
                {data.worker && <span className="text-gray-400">/ {data.worker}</span>}
                <span className="truncate font-mono text-xs text-gray-500">{data.session_id}{data.rig ? ` · ${data.rig}` : ""}</span>
              </div>
              <div className="flex shrink-0 items-center gap-3">
                {typeof data.increment_usd === "number" && data.increment_usd > 0 && (
                  <span className="text-xs tabular-nums text-gray-500">+{formatUsd(data.increment_usd)}</span>
                )}
                <span data-testid="live-amount" className="font-semibold tabular-nums text-white">{formatUsd(data.cost_usd)}</span>
                <time dateTime={data.ended_at} className="w-16 text-right text-xs tabular-nums text-gray-400">{formatTimeOfDay(data.ended_at, zone)}</time>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
