import { useEffect, useRef, useState, useSyncExternalStore, type DragEvent } from "react";
import { ProgressBar, StatusBadge } from "../components/ui";
import { formatBytes, formatSpeed } from "../lib/format";
import { discardResume, pendingResumes, uploads, type UploadItem } from "../lib/uploader";
import type { ResumeRecord } from "../lib/upload-plan";

const ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,image/gif,.jpg,.jpeg,.png,.webp,.heic,.heif,.gif";

const STATUS_TEXT: Record<UploadItem["status"], string> = {
  queued: "Waiting",
  uploading: "Uploading",
  finishing: "Checking",
  processing: "Processing",
  ready: "Ready",
  rejected: "Rejected",
  failed: "Failed",
  canceled: "Canceled",
};

export function UploadPanel() {
  const items = useSyncExternalStore(uploads.subscribe, uploads.snapshot);
  const [over, setOver] = useState(false);
  const [resumes, setResumes] = useState<ResumeRecord[]>([]);
  const input = useRef<HTMLInputElement>(null);

  // Refresh the "interrupted uploads" notice whenever the queue changes (a resumed file drops out of it).
  useEffect(() => setResumes(pendingResumes().filter((r) => !items.some((i) => i.photoId === r.photoId && i.status !== "failed"))), [items]);

  const add = (files: FileList | null) => {
    if (files?.length) uploads.add([...files]);
    if (input.current) input.current.value = "";
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };
  const finished = items.some((i) => ["processing", "ready", "rejected", "canceled"].includes(i.status));

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload photos</h2>
      <div
        className={`dropzone${over ? " over" : ""}`}
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drag photos here, or</p>
        <button type="button" className="primary" onClick={() => input.current?.click()}>
          Choose photos
        </button>
        <input ref={input} type="file" multiple accept={ACCEPT} className="visually-hidden" aria-hidden="true" data-testid="photo-input" onChange={(e) => add(e.target.files)} tabIndex={-1} />
        <p className="field-hint">JPEG, PNG, WebP, HEIC or GIF. Large files upload in parts and can resume.</p>
      </div>

      {resumes.length > 0 && (
        <div className="alert alert-info" role="status" style={{ marginTop: 12 }}>
          <strong>Unfinished upload{resumes.length > 1 ? "s" : ""}.</strong> Choose the same file again to continue where it stopped:
          <ul style={{ margin: "6px 0 0", paddingLeft: 18 }}>
            {resumes.map((r) => (
              <li key={r.photoId}>
                {r.name} ({formatBytes(r.size)}){" "}
                <button type="button" className="link-btn" onClick={() => void discardResume(r).then(() => setResumes(pendingResumes()))}>
                  Discard
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {items.length > 0 && (
        <>
          <div className="row" style={{ marginTop: 12 }}>
            <h3 style={{ margin: 0 }}>This session</h3>
            <span className="spacer" />
            {finished && (
              <button type="button" className="ghost small" onClick={() => uploads.clearFinished()}>
                Clear finished
              </button>
            )}
          </div>
          <ul className="uploads" aria-live="polite">
            {items.map((it) => (
              <UploadRow key={it.key} it={it} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function UploadRow({ it }: { it: UploadItem }) {
  const pct = it.file.size ? (it.sent / it.file.size) * 100 : 100;
  const active = it.status === "uploading" || it.status === "finishing";
  const bad = it.status === "failed" || it.status === "rejected";
  return (
    <li className="upload" data-testid="upload-row" data-status={it.status} data-filename={it.file.name}>
      <div className="upload-name" title={it.file.name}>
        {it.file.name}
      </div>
      <div className="row">
        <StatusBadge status={STATUS_TEXT[it.status]} />
        {it.status === "failed" && (
          <button type="button" className="icon-btn" onClick={() => uploads.retry(it.key)}>
            Retry
          </button>
        )}
        {(it.status === "uploading" || it.status === "queued") && (
          <button type="button" className="icon-btn" onClick={() => void uploads.cancel(it.key)} aria-label={`Cancel upload of ${it.file.name}`}>
            Cancel
          </button>
        )}
        {(bad || it.status === "canceled" || it.status === "ready") && (
          <button type="button" className="icon-btn ghost" onClick={() => uploads.dismiss(it.key)} aria-label={`Dismiss ${it.file.name}`}>
            ✕
          </button>
        )}
      </div>
      {it.status !== "rejected" && <ProgressBar value={pct} label={`Upload of ${it.file.name}`} tone={it.status === "failed" ? "bad" : it.status === "ready" || it.status === "processing" ? "ok" : undefined} />}
      <div className="upload-meta">
        <span>
          {formatBytes(it.sent)} of {formatBytes(it.file.size)}
        </span>
        {active && it.bytesPerSecond > 0 && <span>{formatSpeed(it.bytesPerSecond)}</span>}
        {it.resumed && <span>resumed</span>}
        {it.status === "processing" && <span>making thumbnails…</span>}
        {it.message && <span className={bad ? "upload-msg-error" : undefined}>{it.message}</span>}
      </div>
    </li>
  );
}
