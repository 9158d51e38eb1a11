import { useEffect, useState } from "react";
import { PRESETS, customRange, presetRange, type DateRange } from "../../lib/dateRange";

export function DateRangePicker({ range, zone, onChange }: {
  range: DateRange;
  zone: string;
  onChange: (range: DateRange) => void;
}) {
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  useEffect(() => {
    setFrom(range.from);
    setTo(range.to);
  }, [range.from, range.to]);

  const apply = (nextFrom: string, nextTo: string) => {
    const next = customRange(nextFrom, nextTo);
    if (next && (next.from !== range.from || next.to !== range.to || range.preset !== "custom")) onChange(next);
  };

  return (
    <div data-testid="date-range" className="flex flex-wrap items-center gap-2">
      <div className="flex overflow-hidden rounded-lg border border-gray-700">
        {PRESETS.map(({ preset, label }) => (
          <button
            key={preset}
            type="button"
            data-preset={preset}
            aria-pressed={range.preset === preset}
            onClick={() => onChange(presetRange(preset, zone, new Date()))}
            className={`px-3 py-1.5 text-sm ${
              range.preset === preset ? "bg-amber-500 font-medium text-gray-950" : "bg-gray-900 text-gray-300 hover:bg-gray-800"
            }`}
          >
            {label}
          </button>
        ))}
      </div>
      <label className="flex items-center gap-1 text-sm text-gray-400">
        From
        <input
          type="date"
          aria-label="From date"
          value={from}
          max={to}
          onChange={(e) => {
            setFrom(e.target.value);
            apply(e.target.value, to);
          }}
          className="rounded-md border border-gray-700 bg-gray-900 px-2 py-1 text-gray-200 [color-scheme:dark]"
        />
      </label>
      <label className="flex items-center gap-1 text-sm text-gray-400">
        To
        <input
          type="date"
          aria-label="To date"
          value={to}
          min={from}
          onChange={(e) => {
            setTo(e.target.value);
            apply(from, e.target.value);
          }}
          className="rounded-md border border-gray-700 bg-gray-900 px-2 py-1 text-gray-200 [color-scheme:dark]"
        />
      </label>
    </div>
  );
}
