// Breakdowns by role and rig as the treemap and the cost-per-bead bars draw them.

import type { Beads, RigBreakdown, RoleBreakdown } from "./api";
import { getRoleColor } from "./colors";
import { fromNanos, toNanos } from "./format";

export type RoleRigs = { role: string | null; total_usd: number; rigs: { rig: string | null; total_usd: number }[] };

/**
 * The rig leaves of one role: the rigs with spend, plus whatever part of the role's total no rig
 * row accounts for (a null role cannot be asked for by name), so the leaves add up to the role.
 */
export function roleLeaves(role: RoleBreakdown, rigs: readonly RigBreakdown[]): RoleRigs["rigs"] {
  const leaves = rigs.filter((r) => r.total_usd > 0).map((r) => ({ rig: r.rig, total_usd: r.total_usd }));
  const rest = toNanos(role.total_usd) - leaves.reduce((sum, leaf) => sum + toNanos(leaf.total_usd), 0n);
  if (rest > 0n) leaves.push({ rig: role.role === null ? "(all rigs)" : "(other)", total_usd: fromNanos(rest) });
  return leaves;
}

export type BeadBar = { key: string | null; color: string; total_usd: number; beads_closed: number; usd_per_bead: number | null };
export type BeadGrouping = "role" | "rig";

export const RIG_COLOR = "#f59e0b";

/** Bars for one grouping: most expensive per bead first, then groups that closed no beads, by spend. */
export function beadBars(beads: Beads, by: BeadGrouping): BeadBar[] {
  const rows: BeadBar[] = by === "role"
    ? beads.by_role.map((r) => ({ key: r.role, color: getRoleColor(r.role), total_usd: r.total_usd, beads_closed: r.beads_closed, usd_per_bead: r.usd_per_bead }))
    : beads.by_rig.map((r) => ({ key: r.rig, color: RIG_COLOR, total_usd: r.total_usd, beads_closed: r.beads_closed, usd_per_bead: r.usd_per_bead }));
  return rows.sort((a, b) => (b.usd_per_bead ?? -1) - (a.usd_per_bead ?? -1) || b.total_usd - a.total_usd);
}

export type Thresholds = { yellow_usd: number; red_usd: number };
export type Zone = "green" | "yellow" | "red";

/** The gauge zone of today's spend: yellow from the yellow threshold on, red from the red one. */
export function zoneOf(usd: number, thresholds: Thresholds): Zone {
  return toNanos(usd) >= toNanos(thresholds.red_usd) ? "red" : toNanos(usd) >= toNanos(thresholds.yellow_usd) ? "yellow" : "green";
}
