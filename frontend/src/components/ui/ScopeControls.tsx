import { useApi } from "../../hooks/useApi";
import { useView } from "../../hooks/view";
import type { FilterOptions } from "../../lib/api";
import { DateRangePicker } from "./DateRangePicker";
import { FilterChips } from "./FilterChips";

/** Options offered plus any still selected, so an active chip never disappears from view. */
function withSelected(options: readonly string[] | undefined, selected: readonly string[]): string[] {
  return [...new Set([...(options ?? []), ...selected])].sort((a, b) => a.localeCompare(b));
}

/**
 * The date range and the Role / Rig chips, as on the Dashboard and the Session Explorer; Source
 * chips once more than one source reports (the hook, costs.jsonl, transcripts): one source alone
 * shows all of its spend, otherwise the server counts work reported twice once.
 */
export function ScopeControls() {
  const { zone, range, setRange, filters, setFilters } = useView();
  const options = useApi<FilterOptions>("/api/stats/filters", { refreshMs: 60_000 });
  return (
    <div className="space-y-2 rounded-xl border border-gray-800 bg-gray-900/60 p-3">
      <DateRangePicker range={range} zone={zone} onChange={setRange} />
      <FilterChips label="Role" colored options={withSelected(options.data?.roles, filters.roles)} selected={filters.roles}
        onChange={(roles) => setFilters({ ...filters, roles })} />
      <FilterChips label="Rig" options={withSelected(options.data?.rigs, filters.rigs)} selected={filters.rigs}
        onChange={(rigs) => setFilters({ ...filters, rigs })} />
      {((options.data?.sources.length ?? 0) > 1 || filters.sources.length > 0) && (
        <FilterChips label="Source" options={withSelected(options.data?.sources, filters.sources)} selected={filters.sources}
          onChange={(sources) => setFilters({ ...filters, sources })} />
      )}
      {options.error && <p className="text-xs text-red-400">Filters unavailable: {options.error.message}</p>}
    </div>
  );
}
