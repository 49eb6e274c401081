import type { ReactNode } from "react";
import type { InfiniteList } from "../hooks/use-infinite-list";
import { errorMessage } from "../lib/errors";
import { ErrorAlert, LoadMore, Spinner } from "./ui";

/** A paged list's first-load states: a spinner, the error, or (loaded, nothing in it) `empty`. */
export function ListStatus({ list, loading, empty }: { list: InfiniteList<unknown>; loading: string; empty?: ReactNode }) {
  return (
    <>
      {list.isPending && <Spinner label={loading} />}
      {list.error ? <ErrorAlert message={errorMessage(list.error)} /> : null}
      {list.isSuccess && list.items.length === 0 && empty}
    </>
  );
}

/**
 * The "load the next page" button under a paged list, while there is one. `hideWhileLoading` for lists that show
 * their own loading state as they grow (the library grid).
 */
export function ListMore({ list, label, hideWhileLoading = false }: { list: InfiniteList<unknown>; label?: string; hideWhileLoading?: boolean }) {
  if (!list.hasMore || (hideWhileLoading && list.loadingMore)) return null;
  return <LoadMore onClick={list.loadMore} busy={list.loadingMore} {...(label ? { label } : {})} />;
}
