/**
 * The library's selection: a set of photo ids plus the anchor that a shift-click range starts from (the last photo
 * clicked on its own). Pure functions over an immutable value, so React state and tests use the same code.
 */
export interface Selection {
  ids: ReadonlySet<string>;
  anchor: string | null;
}

export const emptySelection: Selection = { ids: new Set(), anchor: null };

export function toggleOne(s: Selection, id: string): Selection {
  const ids = new Set(s.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, anchor: id };
}

/**
 * Shift-click: every photo from the anchor to `id` (either direction, in display order) takes the state the anchor
 * has, so a range can select and, starting from an unselected photo, clear. Without an anchor (or one no longer
 * listed) it is a plain toggle.
 */
export function selectRange(s: Selection, order: readonly string[], id: string): Selection {
  const from = s.anchor === null ? -1 : order.indexOf(s.anchor);
  const to = order.indexOf(id);
  if (from < 0 || to < 0) return toggleOne(s, id);
  const select = s.ids.has(s.anchor!);
  const ids = new Set(s.ids);
  for (let i = Math.min(from, to); i <= Math.max(from, to); i++) {
    if (select) ids.add(order[i]!);
    else ids.delete(order[i]!);
  }
  return { ids, anchor: s.anchor };
}

/** A day's checkbox: selects all of the day's photos, or clears them when all are already selected. */
export function toggleAll(s: Selection, group: readonly string[]): Selection {
  const all = group.length > 0 && group.every((id) => s.ids.has(id));
  const ids = new Set(s.ids);
  for (const id of group) {
    if (all) ids.delete(id);
    else ids.add(id);
  }
  return { ids, anchor: s.anchor };
}

/** "all", "some" or "none" of a group selected, for the day checkbox's checked/mixed state. */
export function groupState(s: Selection, group: readonly string[]): "all" | "some" | "none" {
  let n = 0;
  for (const id of group) if (s.ids.has(id)) n++;
  return n === 0 ? "none" : n === group.length ? "all" : "some";
}

/** Drops ids that are no longer in the library (deleted here or elsewhere). */
export function keepOnly(s: Selection, present: ReadonlySet<string>): Selection {
  if ([...s.ids].every((id) => present.has(id))) return s;
  return { ids: new Set([...s.ids].filter((id) => present.has(id))), anchor: s.anchor && present.has(s.anchor) ? s.anchor : null };
}
