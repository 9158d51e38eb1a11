import { describe, expect, it } from "vitest";
import type { Beads, RigBreakdown, RoleBreakdown } from "./api";
import { beadBars, roleLeaves, zoneOf } from "./breakdown";
import { ROLE_COLORS } from "./colors";

const role = (name: string | null, total_usd: number) => ({ role: name, total_usd, session_count: 1 }) as RoleBreakdown;
const rig = (name: string | null, total_usd: number) => ({ rig: name, total_usd, session_count: 1 }) as RigBreakdown;

describe("roleLeaves", () => {
  it("keeps the rigs with spend", () => {
    expect(roleLeaves(role("polecat", 7.1286989), [rig("quarry", 6.1264156), rig(null, 1.0022833), rig("orchard", 0)]))
      .toEqual([{ rig: "quarry", total_usd: 6.1264156 }, { rig: null, total_usd: 1.0022833 }]);
  });

  it("adds the part no rig row explains, exactly", () => {
    expect(roleLeaves(role("mayor", 0.3), [rig("quarry", 0.1)])).toEqual([{ rig: "quarry", total_usd: 0.1 }, { rig: "(other)", total_usd: 0.2 }]);
    expect(roleLeaves(role(null, 4.8185595), [])).toEqual([{ rig: "(all rigs)", total_usd: 4.8185595 }]);
  });
});

describe("beadBars", () => {
  const beads: Beads = {
    by_role: [
      { role: "mayor", total_usd: 10, beads_closed: 0, usd_per_bead: null },
      { role: "crew", total_usd: 3, beads_closed: 3, usd_per_bead: 1 },
      { role: "polecat", total_usd: 12, beads_closed: 4, usd_per_bead: 3 },
      { role: "witness", total_usd: 20, beads_closed: 0, usd_per_bead: null },
    ],
    by_rig: [{ rig: "quarry", total_usd: 9, beads_closed: 2, usd_per_bead: 4.5 }, { rig: null, total_usd: 1, beads_closed: 1, usd_per_bead: 1 }],
  };

  it("orders by cost per bead, beadless groups last by spend", () => {
    expect(beadBars(beads, "role").map((b) => b.key)).toEqual(["polecat", "crew", "witness", "mayor"]);
    expect(beadBars(beads, "role")[0]?.color).toBe(ROLE_COLORS.polecat);
    expect(beadBars(beads, "rig").map((b) => [b.key, b.usd_per_bead])).toEqual([["quarry", 4.5], [null, 1]]);
  });
});

describe("zoneOf", () => {
  const thresholds = { yellow_usd: 10, red_usd: 25 };
  it("places today's spend in green, yellow or red", () => {
    expect(zoneOf(0, thresholds)).toBe("green");
    expect(zoneOf(9.9999999, thresholds)).toBe("green");
    expect(zoneOf(10, thresholds)).toBe("yellow");
    expect(zoneOf(24.99, thresholds)).toBe("yellow");
    expect(zoneOf(25, thresholds)).toBe("red");
    expect(zoneOf(1000, thresholds)).toBe("red");
  });
});
