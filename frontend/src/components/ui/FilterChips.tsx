import { getRoleColor } from "../../lib/colors";

/** A group of toggle chips; role chips carry their role color when active. */
export function FilterChips({ label, options, selected, onChange, colored }: {
  label: string;
  options: readonly string[];
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  colored?: boolean;
}) {
  const toggle = (option: string) =>
    onChange(selected.includes(option) ? selected.filter((s) => s !== option) : [...selected, option]);
  return (
    <div data-testid={`filter-${label.toLowerCase()}`} className="flex flex-wrap items-center gap-1.5">
      <span className="mr-1 text-xs font-medium uppercase tracking-wider text-gray-500">{label}</span>
      {options.length === 0 && <span className="text-xs text-gray-600">none yet</span>}
      {options.map((option) => {
        const active = selected.includes(option);
        const color = colored ? getRoleColor(option) : "#f59e0b";
        return (
          <button
            key={option}
            type="button"
            aria-pressed={active}
            data-chip={option}
            onClick={() => toggle(option)}
            style={active ? { backgroundColor: color + "33", borderColor: color, color: "#f9fafb" } : undefined}
            className={`flex items-center gap-1.5 rounded-full border px-2.5 py-0.5 text-xs transition-colors ${
              active ? "" : "border-gray-700 text-gray-400 hover:border-gray-500 hover:text-gray-200"
            }`}
          >
            {colored && <span className="h-2 w-2 rounded-full" style={{ backgroundColor: color }} />}
            {option}
          </button>
        );
      })}
    </div>
  );
}
