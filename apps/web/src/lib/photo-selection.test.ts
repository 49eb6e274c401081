import { describe, expect, it } from "vitest";
import { emptySelection, groupState, keepOnly, selectRange, toggleAll, toggleOne, type Selection } from "./photo-selection";

const order = ["a", "b", "c", "d", "e", "f"];
const ids = (s: Selection) => [...s.ids].sort().join("");

describe("photo selection", () => {
  it("toggles one photo and remembers it as the anchor", () => {
    const s = toggleOne(emptySelection, "b");
    expect(ids(s)).toBe("b");
    expect(s.anchor).toBe("b");
    expect(ids(toggleOne(s, "b"))).toBe("");
  });

  it("shift-click selects everything between the anchor and the photo, in either direction", () => {
    const s = toggleOne(emptySelection, "b");
    expect(ids(selectRange(s, order, "e"))).toBe("bcde");
    expect(ids(selectRange(toggleOne(emptySelection, "e"), order, "b"))).toBe("bcde");
    // A second shift-click re-ranges from the same anchor and keeps what was selected before.
    const t = selectRange(toggleOne(toggleOne(emptySelection, "f"), "b"), order, "c");
    expect(ids(t)).toBe("bcf");
    expect(ids(selectRange(t, order, "d"))).toBe("bcdf");
  });

  it("a range from an unselected anchor clears the range", () => {
    const all = order.reduce((s, id) => toggleOne(s, id), emptySelection);
    const cleared = selectRange(toggleOne(all, "b"), order, "d");
    expect(ids(cleared)).toBe("aef");
  });

  it("without a usable anchor, shift-click is a plain toggle", () => {
    expect(ids(selectRange(emptySelection, order, "c"))).toBe("c");
    expect(ids(selectRange({ ids: new Set(), anchor: "gone" }, order, "c"))).toBe("c");
  });

  it("selects a whole day, clears it when it is all selected, and reports all/some/none", () => {
    const day = ["c", "d", "e"];
    const some = toggleOne(emptySelection, "d");
    expect(groupState(some, day)).toBe("some");
    const all = toggleAll(some, day);
    expect(ids(all)).toBe("cde");
    expect(groupState(all, day)).toBe("all");
    expect(ids(toggleAll(toggleOne(all, "a"), day))).toBe("a");
    expect(groupState(emptySelection, day)).toBe("none");
  });

  it("forgets photos that left the library", () => {
    const s = toggleOne(toggleOne(emptySelection, "a"), "b");
    const kept = keepOnly(s, new Set(["a", "c"]));
    expect(ids(kept)).toBe("a");
    expect(kept.anchor).toBeNull();
    const same = keepOnly(s, new Set(order));
    expect(same).toBe(s);
  });
});
