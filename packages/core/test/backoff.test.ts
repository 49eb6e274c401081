import { describe, expect, it } from "vitest";
import { backoffSeconds } from "../src/index";

describe("backoffSeconds (the account back-off after failed sign-ins or confirmations)", () => {
  const policy = { freeFailures: 5, baseSeconds: 30, maxSeconds: 900, forgetSeconds: 86_400 };
  it("costs nothing for the first failures, then doubles from the base, and never waits more than the cap", () => {
    expect([0, 1, 4].map((n) => backoffSeconds(policy, n))).toEqual([0, 0, 0]);
    expect([5, 6, 7, 8, 9].map((n) => backoffSeconds(policy, n))).toEqual([30, 60, 120, 240, 480]);
    expect([10, 11, 50, 10_000].map((n) => backoffSeconds(policy, n))).toEqual([900, 900, 900, 900]);
  });
});
