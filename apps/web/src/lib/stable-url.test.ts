import { describe, expect, it } from "vitest";
import { stableUrl } from "./stable-url";

describe("stableUrl", () => {
  it("keeps the first URL while it is young, then takes the fresh one", () => {
    expect(stableUrl("a", "https://s3/a?sig=1", 1000, 0)).toBe("https://s3/a?sig=1");
    expect(stableUrl("a", "https://s3/a?sig=2", 1000, 500)).toBe("https://s3/a?sig=1");
    expect(stableUrl("a", "https://s3/a?sig=3", 1000, 1500)).toBe("https://s3/a?sig=3");
    expect(stableUrl("b", null)).toBeNull();
  });
});
