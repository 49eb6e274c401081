import { PHOTO_SEARCH_MAX_CHARS } from "@photoreel/contracts";
import { useEffect, useId, useRef, useState } from "react";
import { dayStart } from "../lib/photo-timeline";

/** The library's search, as it is kept in the address (?q=&from=&to=, days as YYYY-MM-DD, both ends included). */
export interface Filters {
  q?: string;
  from?: string;
  to?: string;
}

const TYPING_PAUSE_MS = 300;

export function readFilters(): Filters {
  const p = new URLSearchParams(location.search);
  const day = (k: string) => {
    const v = p.get(k);
    return v && dayStart(v) ? v : undefined;
  };
  const q = p.get("q")?.trim().slice(0, PHOTO_SEARCH_MAX_CHARS);
  return { ...(q ? { q } : {}), ...(day("from") ? { from: day("from") } : {}), ...(day("to") ? { to: day("to") } : {}) };
}

/** Puts the search in the address without a new history entry, so a reload or a shared link shows the same photos. */
export function writeFilters(f: Filters) {
  const p = new URLSearchParams();
  if (f.q) p.set("q", f.q);
  if (f.from) p.set("from", f.from);
  if (f.to) p.set("to", f.to);
  const qs = p.toString();
  history.replaceState(history.state, "", `${location.pathname}${qs ? `?${qs}` : ""}`);
}

/** Search by words in the file name or caption, and by a range of days (when taken, else when uploaded). */
export function LibrarySearch({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const [text, setText] = useState(value.q ?? "");
  const id = useId();
  // Search once typing pauses, not on every key (the latest filters are read when the pause ends).
  const latest = useRef({ value, onChange });
  latest.current = { value, onChange };
  useEffect(() => {
    const q = text.trim();
    if (q === (latest.current.value.q ?? "")) return;
    const t = setTimeout(() => latest.current.onChange({ ...latest.current.value, q: q || undefined }), TYPING_PAUSE_MS);
    return () => clearTimeout(t);
  }, [text]);

  const set = (k: "from" | "to", v: string) => onChange({ ...value, [k]: v || undefined });
  const active = Boolean(value.q || value.from || value.to || text);
  return (
    <form role="search" aria-label="Photos" className="library-search" onSubmit={(e) => (e.preventDefault(), onChange({ ...value, q: text.trim() || undefined }))}>
      <label htmlFor={`${id}-q`} className="visually-hidden">
        Search photos
      </label>
      <input
        id={`${id}-q`}
        type="search"
        className="search-words"
        placeholder="Search by file name or caption"
        value={text}
        maxLength={PHOTO_SEARCH_MAX_CHARS}
        onChange={(e) => setText(e.target.value)}
        enterKeyHint="search"
      />
      <div className="search-dates">
        <label htmlFor={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="date" value={value.from ?? ""} max={value.to} onChange={(e) => set("from", e.target.value)} />
        <label htmlFor={`${id}-to`}>To</label>
        <input id={`${id}-to`} type="date" value={value.to ?? ""} min={value.from} onChange={(e) => set("to", e.target.value)} />
      </div>
      {active && (
        <button type="button" className="ghost" onClick={() => (setText(""), onChange({}))}>
          Clear search
        </button>
      )}
    </form>
  );
}
