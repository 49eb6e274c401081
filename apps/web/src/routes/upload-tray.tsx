import { PHOTO_CONTENT_TYPES, PHOTO_EXTENSION_TYPES, type PhotoView } from "@photoreel/contracts";
import { useEffect, useId, useMemo, useRef, useState, useSyncExternalStore, type ChangeEvent, type RefObject } from "react";
import { ProgressBar } from "../components/ui";
import { formatBytes, formatSpeed } from "../lib/format";
import { trpc } from "../lib/trpc";
import { NEEDS_ATTENTION, summarizeUploads } from "../lib/upload-summary";
import type { ResumeRecord } from "../lib/upload-plan";
import { discardResume, pendingResumes, uploads, type UploadItem } from "../lib/uploader";

export const ACCEPT = [...PHOTO_CONTENT_TYPES, ...Object.keys(PHOTO_EXTENSION_TYPES).map((ext) => `.${ext}`)].join(",");
/** How long "N photos uploaded" stays before the tray clears finished uploads away. */
const CLEAR_AFTER_MS = 4000;

const STATUS_TEXT: Record<UploadItem["status"], string> = {
  queued: "Waiting",
  uploading: "Uploading",
  finishing: "Checking",
  processing: "Making thumbnails",
  ready: "Done",
  rejected: "Not uploaded",
  failed: "Failed",
  canceled: "Canceled",
};

/** The hidden file input every "choose photos" button opens; one per page. */
export function PhotoInput({ inputRef }: { inputRef: RefObject<HTMLInputElement | null> }) {
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const files = e.target.files;
    if (files?.length) uploads.add([...files]);
    e.target.value = "";
  };
  return <input ref={inputRef} type="file" multiple accept={ACCEPT} className="visually-hidden" aria-hidden="true" tabIndex={-1} data-testid="photo-input" onChange={onChange} />;
}

/**
 * The upload tray: one line for the whole batch with its progress, each file's detail on demand. Finished files leave
 * on their own; rejected and failed ones stay, with their reason, until dismissed (or retried). Rejected photos from
 * earlier visits are listed too, so the reason is never lost and the row can be cleaned up.
 */
export function UploadTray() {
  const items = useSyncExternalStore(uploads.subscribe, uploads.snapshot);
  const utils = trpc.useUtils();
  const [open, setOpen] = useState(false);
  const [resumes, setResumes] = useState<ResumeRecord[]>([]);
  const detailsId = useId();

  const summary = summarizeUploads(items);
  const processing = items.some((i) => i.status === "processing");
  const rejectedQ = trpc.photos.list.useQuery({ status: "rejected", limit: 100, sort: "uploaded" });
  const del = trpc.photos.delete.useMutation({ onSettled: () => void utils.photos.list.invalidate({ status: "rejected" }) });
  /** Rejected photos dismissed here: hidden at once, their rows deleted (kept only to show the reason, nothing else removes them). */
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const forget = (ids: string[]) => {
    if (!ids.length) return;
    setDismissed((d) => new Set([...d, ...ids]));
    del.mutate({ ids });
  };
  const earlier = useMemo(() => {
    const mine = new Set(items.map((i) => i.photoId));
    return (rejectedQ.data?.items ?? []).filter((p) => !mine.has(p.id) && !dismissed.has(p.id));
  }, [items, rejectedQ.data, dismissed]);
  const dismiss = (it: UploadItem) => {
    uploads.dismiss(it.key);
    if (it.status === "rejected" && it.photoId) forget([it.photoId]);
  };

  // Refresh the "interrupted uploads" notice whenever the queue changes (a resumed file drops out of it).
  useEffect(() => setResumes(pendingResumes().filter((r) => !items.some((i) => i.photoId === r.photoId && i.status !== "failed"))), [items]);

  // A finished batch: say so for a moment, then let the finished files go.
  const done = summary.inFlight === 0 && !processing && items.some((i) => i.status === "ready" || i.status === "canceled");
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => uploads.clearFinished(), CLEAR_AFTER_MS);
    return () => clearTimeout(t);
  }, [done]);

  const attention = items.filter((i) => NEEDS_ATTENTION.has(i.status));
  const moving = items.filter((i) => !NEEDS_ATTENTION.has(i.status) && i.status !== "ready" && i.status !== "canceled");
  const problems = attention.length + earlier.length + resumes.length;
  if (items.length === 0 && problems === 0) return null;

  const text = items.length ? summary.text : `${problems} upload${problems === 1 ? "" : "s"} need${problems === 1 ? "s" : ""} attention`;
  const dismissAll = () => {
    const rejected = attention.filter((it) => it.status === "rejected");
    for (const it of rejected) uploads.dismiss(it.key);
    forget([...rejected.flatMap((it) => (it.photoId ? [it.photoId] : [])), ...earlier.map((p) => p.id)]);
  };
  const dismissable = attention.some((i) => i.status === "rejected") || earlier.length > 0;

  return (
    <section className="upload-tray" aria-label="Uploads" data-testid="upload-tray">
      <div className="tray-summary">
        <p className="tray-title" role="status" data-testid="upload-summary">
          {text}
        </p>
        {moving.length > 0 && (
          <button type="button" className="ghost tray-toggle" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen((o) => !o)}>
            {open ? "Hide details" : "Details"}
          </button>
        )}
        {dismissable && problems > 1 && (
          <button type="button" className="ghost tray-toggle" onClick={dismissAll}>
            Dismiss all
          </button>
        )}
      </div>
      {summary.inFlight > 0 && <ProgressBar value={summary.percent} label="Upload progress" />}
      <div className="tray-list">
        {moving.length > 0 && (
          <ul id={detailsId} className="tray-items" hidden={!open}>
            {moving.map((it) => (
              <UploadRow key={it.key} it={it} onDismiss={() => dismiss(it)} />
            ))}
          </ul>
        )}
        {problems > 0 && (
          <ul className="tray-items" aria-label="Uploads that need attention">
            {attention.map((it) => (
              <UploadRow key={it.key} it={it} onDismiss={() => dismiss(it)} />
            ))}
            {earlier.map((p) => (
              <EarlierRejected key={p.id} p={p} onDismiss={() => forget([p.id])} />
            ))}
            {resumes.map((r) => (
              <li key={r.photoId} className="tray-item" data-testid="upload-row" data-status="interrupted" data-filename={r.name}>
                <span className="tray-name" title={r.name}>
                  {r.name}
                </span>
                <span className="tray-note">Interrupted ({formatBytes(r.size)}). Choose the same file again to continue where it stopped.</span>
                <button type="button" className="icon-btn ghost" onClick={() => void discardResume(r).then(() => setResumes(pendingResumes()))} aria-label={`Discard the unfinished upload of ${r.name}`}>
                  Discard
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function UploadRow({ it, onDismiss }: { it: UploadItem; onDismiss: () => void }) {
  const pct = it.file.size ? (Math.min(it.sent, it.file.size) / it.file.size) * 100 : 100;
  const active = it.status === "uploading" || it.status === "finishing";
  const bad = NEEDS_ATTENTION.has(it.status);
  const note = it.message ?? [...(active ? [`${formatBytes(it.sent)} of ${formatBytes(it.file.size)}`, formatSpeed(it.bytesPerSecond)] : [STATUS_TEXT[it.status]]), it.resumed ? "resumed" : ""].filter(Boolean).join(" · ");
  return (
    <li className={`tray-item${bad ? " bad" : ""}`} data-testid="upload-row" data-status={it.status} data-filename={it.file.name}>
      <span className="tray-name" title={it.file.name}>
        {it.file.name}
      </span>
      <span className="tray-note">{note}</span>
      <span className="tray-actions">
        {it.status === "failed" && (
          <button type="button" className="icon-btn" onClick={() => uploads.retry(it.key)} aria-label={`Retry ${it.file.name}`}>
            Retry
          </button>
        )}
        {(it.status === "uploading" || it.status === "queued" || it.status === "failed") && (
          <button type="button" className="icon-btn ghost" onClick={() => void uploads.cancel(it.key)} aria-label={`Cancel upload of ${it.file.name}`}>
            Cancel
          </button>
        )}
        {it.status === "rejected" && (
          <button type="button" className="icon-btn ghost" onClick={onDismiss} aria-label={`Dismiss ${it.file.name}`}>
            Dismiss
          </button>
        )}
      </span>
      {active && <ProgressBar value={pct} label={`Upload of ${it.file.name}`} />}
    </li>
  );
}

function EarlierRejected({ p, onDismiss }: { p: PhotoView; onDismiss: () => void }) {
  return (
    <li className="tray-item bad" data-testid="upload-row" data-status="rejected" data-filename={p.filename}>
      <span className="tray-name" title={p.filename}>
        {p.filename}
      </span>
      <span className="tray-note">{p.rejectReason ?? "This file could not be used."}</span>
      <span className="tray-actions">
        <button type="button" className="icon-btn ghost" onClick={onDismiss} aria-label={`Dismiss ${p.filename}`}>
          Dismiss
        </button>
      </span>
    </li>
  );
}

/** Files dragged over the page: shows the drop overlay and uploads what is dropped. */
export function usePageDrop(): boolean {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  useEffect(() => {
    const hasFiles = (e: DragEvent) => Boolean(e.dataTransfer?.types.includes("Files"));
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const overHandler = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) uploads.add(files);
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragleave", leave);
    window.addEventListener("dragover", overHandler);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("dragover", overHandler);
      window.removeEventListener("drop", drop);
    };
  }, []);
  return over;
}
