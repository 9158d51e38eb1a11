import { describe, expect, it } from "vitest";
import { NO_ROLE_COLOR, ROLE_COLORS, getRoleColor, groupLabel } from "./colors";

describe("role colors", () => {
  it("gives each Gas Town role its own color", () => {
    const roles = ["mayor", "polecat", "witness", "refinery", "deacon", "crew"];
    const colors = roles.map(getRoleColor);
    expect(new Set(colors).size).toBe(roles.length);
    expect(getRoleColor("mayor")).toBe(ROLE_COLORS.mayor);
    expect(getRoleColor("Mayor")).toBe(ROLE_COLORS.mayor);
  });

  it("keeps a stable color for unknown roles and gray for none", () => {
    expect(getRoleColor("unknown")).toBe(getRoleColor("unknown"));
    expect(getRoleColor("unknown")).not.toBe(NO_ROLE_COLOR);
    expect(getRoleColor(null)).toBe(NO_ROLE_COLOR);
    expect(getRoleColor("")).toBe(NO_ROLE_COLOR);
    expect(groupLabel(null, "no rig")).toBe("(no rig)");
    expect(groupLabel("quarry")).toBe("quarry");
  });
});
