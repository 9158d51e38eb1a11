// The date range and filters the user picked, shared by the Dashboard and the Session Explorer
// so switching pages keeps the same view. Ranges are dates in the browser's zone, sent as `tz`.

import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { NO_FILTERS, type Filters } from "../lib/api";
import { browserZone, presetRange, type DateRange } from "../lib/dateRange";

export type View = {
  zone: string;
  range: DateRange;
  setRange: (range: DateRange) => void;
  filters: Filters;
  setFilters: (filters: Filters) => void;
};

const ViewContext = createContext<View | null>(null);

export function useView(): View {
  const view = useContext(ViewContext);
  if (!view) throw new Error("useView outside ViewProvider");
  return view;
}

export function ViewProvider({ children }: { children: ReactNode }) {
  const zone = useMemo(browserZone, []);
  const [range, setRange] = useState<DateRange>(() => presetRange("30d", zone, new Date()));
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);

  // A preset follows the clock: a page left open past midnight moves "Today" to the new day.
  useEffect(() => {
    if (range.preset === "custom") return;
    const timer = window.setInterval(() => {
      const next = presetRange(range.preset as Exclude<DateRange["preset"], "custom">, zone, new Date());
      if (next.from !== range.from || next.to !== range.to) setRange(next);
    }, 60_000);
    return () => window.clearInterval(timer);
  }, [range, zone]);
  const value = useMemo(() => ({ zone, range, setRange, filters, setFilters }), [zone, range, filters]);
  return <ViewContext.Provider value={value}>{children}</ViewContext.Provider>;
}
