import { useCallback, useMemo } from "react";

/** One page of any list procedure (photos.list, videos.list, admin.jobs, admin.users). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** useInfiniteQuery's paging for those procedures: the last page's cursor asks for the next; none means the end. */
export const pageByCursor = { getNextPageParam: (p: { nextCursor: string | null }) => p.nextCursor ?? undefined };

/** The parts of a tRPC useInfiniteQuery result that a list screen reads. */
export interface InfiniteQueryLike<T> {
  data?: { pages: readonly { items: readonly T[] }[] } | undefined;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
  isPending: boolean;
  isSuccess: boolean;
  error: unknown;
}

export interface InfiniteList<T> {
  /** Every loaded page's items, in order (once each, when `keyOf` is given). */
  items: T[];
  hasMore: boolean;
  loadingMore: boolean;
  /** Asks for the next page unless there is none or it is already on its way (safe to call on every scroll). */
  loadMore: () => void;
  isPending: boolean;
  isSuccess: boolean;
  error: unknown;
}

/** Every page's items in order; with `keyOf`, an item a later page repeats is kept only where it first appeared. */
export function flattenPages<T>(pages: readonly { items: readonly T[] }[], keyOf?: (item: T) => string): T[] {
  const all = pages.flatMap((p) => p.items);
  if (!keyOf) return all;
  const seen = new Set<string>();
  return all.filter((item) => {
    const k = keyOf(item);
    return !seen.has(k) && (seen.add(k), true);
  });
}

/**
 * A paged list over `useInfiniteQuery(input, { ...pageByCursor })`: the flattened items and one loadMore, shared by
 * every list screen. `keyOf` (a stable function) drops an item a later page repeats (pages shift when items are
 * added or removed between loads).
 */
export function useInfiniteList<T>(query: InfiniteQueryLike<T>, keyOf?: (item: T) => string): InfiniteList<T> {
  const { data, hasNextPage, isFetchingNextPage, fetchNextPage, isPending, isSuccess, error } = query;
  const items = useMemo(() => flattenPages(data?.pages ?? [], keyOf), [data, keyOf]);
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  return { items, hasMore: hasNextPage, loadingMore: isFetchingNextPage, loadMore, isPending, isSuccess, error };
}
