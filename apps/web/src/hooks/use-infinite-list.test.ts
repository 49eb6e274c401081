import { describe, expect, it } from "vitest";
import { flattenPages, pageByCursor } from "./use-infinite-list";

describe("useInfiniteList's paging", () => {
  it("asks for the next page with the last page's cursor, and for none at the end", () => {
    expect(pageByCursor.getNextPageParam({ nextCursor: "abc" })).toBe("abc");
    expect(pageByCursor.getNextPageParam({ nextCursor: null })).toBeUndefined();
  });

  it("flattens pages in order", () => {
    expect(flattenPages([{ items: [1, 2] }, { items: [] }, { items: [3] }])).toEqual([1, 2, 3]);
    expect(flattenPages([])).toEqual([]);
  });

  it("keeps an item a later page repeats only where it first appeared, when given a key", () => {
    const pages = [{ items: [{ id: "a", v: 1 }, { id: "b", v: 1 }] }, { items: [{ id: "b", v: 2 }, { id: "c", v: 2 }] }];
    expect(flattenPages(pages, (x) => x.id)).toEqual([{ id: "a", v: 1 }, { id: "b", v: 1 }, { id: "c", v: 2 }]);
    expect(flattenPages(pages)).toHaveLength(4);
  });
});
