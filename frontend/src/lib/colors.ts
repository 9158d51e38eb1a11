// The one place role colors come from: the dashboard, the session table and the live feed all
// paint a role the same way.

export const ROLE_COLORS: Readonly<Record<string, string>> = {
  mayor: "#f59e0b",
  polecat: "#3b82f6",
  witness: "#a855f7",
  refinery: "#10b981",
  deacon: "#ec4899",
  crew: "#06b6d4",
  dog: "#84cc16",
  boot: "#f97316",
};

/** Colors for roles Gas Town may add later, chosen by a stable hash so a role keeps its color. */
const EXTRA_COLORS = ["#eab308", "#6366f1", "#14b8a6", "#f43f5e", "#8b5cf6", "#22c55e", "#0ea5e9", "#d946ef"];

export const NO_ROLE_COLOR = "#6b7280";

export function getRoleColor(role: string | null | undefined): string {
  if (!role) return NO_ROLE_COLOR;
  const known = ROLE_COLORS[role.toLowerCase()];
  if (known) return known;
  let hash = 0;
  for (let i = 0; i < role.length; i++) hash = (hash * 31 + role.charCodeAt(i)) >>> 0;
  return EXTRA_COLORS[hash % EXTRA_COLORS.length] ?? NO_ROLE_COLOR;
}

/** Label for a missing group key (a run without rig, worker or model). */
export function groupLabel(value: string | null | undefined, what = "none"): string {
  return value ? value : `(${what})`;
}
