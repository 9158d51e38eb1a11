import { describe, expect, it } from "vitest";
import { sessionFromPath, sessionPath } from "./router";

describe("session addresses", () => {
  it("round-trips any session id", () => {
    for (const id of ["hq-mayor", "qy obsidian", "a/b#2", "894af375-1b2c", "ünïcode"])
      expect(sessionFromPath(sessionPath(id))).toBe(id);
  });

  it("answers null off a session page", () => {
    expect(sessionFromPath("/sessions")).toBeNull();
    expect(sessionFromPath("/sessions/")).toBeNull();
    expect(sessionFromPath("/live")).toBeNull();
    expect(sessionFromPath("/sessions/%E0%A4%A")).toBeNull();
  });
});
