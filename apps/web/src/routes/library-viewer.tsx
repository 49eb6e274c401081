import type { PhotoView } from "@photoreel/contracts";
import { useEffect, useId, useRef, useState, useSyncExternalStore, type CSSProperties, type FormEvent, type KeyboardEvent, type PointerEvent } from "react";
import { ConfirmDialog, ErrorAlert, Spinner } from "../components/ui";
import { errorData, errorMessage } from "../lib/errors";
import { cameraName, formatBytes, formatDateTime } from "../lib/format";
import { Link } from "../lib/router";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";
import { draftPhotoIds, MAX_SLIDES, subscribeDraft, toggleInDraft } from "../lib/video-draft";
import { FocalEditor } from "./library-focal";
import "../styles/focal.css";

const SWIPE_PX = 50;

export interface ViewerProps {
  /** The photo to show (from the loaded list, or fetched when the URL names one that is not loaded). */
  id: string;
  photos: readonly PhotoView[];
  onClose: () => void;
  onShow: (id: string) => void;
  /** At the last loaded photo: load the next page so "next" can go on. */
  onNearEnd: () => void;
  hasMore: boolean;
  onDeleted: (id: string) => void;
  onSaved: (p: PhotoView) => void;
}

/**
 * Full-screen viewer (a modal dialog: focus stays inside, Escape closes): the photo as large as the screen allows,
 * previous/next by arrow keys, buttons or a swipe, and beside it (below on a phone) the caption, when and with what it
 * was taken, and "add to video". The photo sits in `.viewer-frame`, a box exactly the size of the displayed image, so
 * the focal-point editor ("Set focus") lays its marker over it in image coordinates.
 */
export function PhotoViewer({ id, photos, onClose, onShow, onNearEnd, hasMore, onDeleted, onSaved }: ViewerProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const index = photos.findIndex((p) => p.id === id);
  const listed = index >= 0 ? photos[index] : undefined;
  const fetched = trpc.photos.get.useQuery({ id }, { enabled: !listed, retry: false });
  const photo = listed ?? fetched.data;
  const prev = index > 0 ? photos[index - 1] : undefined;
  const next = index >= 0 ? photos[index + 1] : undefined;
  const [info, setInfo] = useState(() => window.matchMedia("(min-width: 900px)").matches);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [focusMode, setFocusMode] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  useEffect(() => {
    if (index >= 0 && index >= photos.length - 3 && hasMore) onNearEnd();
  }, [index, photos.length, hasMore, onNearEnd]);
  // Neighbours' previews load ahead, so stepping through is instant.
  useEffect(() => {
    for (const n of [prev, next]) {
      const url = n && stableUrl(`p:${n.id}`, n.previewUrl);
      if (url) new Image().src = url;
    }
  }, [prev, next]);

  const go = (to: PhotoView | undefined) => to && onShow(to.id);
  const onKeyDown = (e: KeyboardEvent) => {
    const typing = e.target instanceof HTMLElement && e.target.closest("input, textarea, select, [contenteditable]");
    if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowLeft") go(prev);
    else if (e.key === "ArrowRight") go(next);
    else return;
    e.preventDefault();
  };
  const swipe = useRef<{ x: number; y: number } | null>(null);
  const onPointerDown = (e: PointerEvent) => {
    if (e.pointerType !== "mouse") swipe.current = { x: e.clientX, y: e.clientY };
  };
  const onPointerUp = (e: PointerEvent) => {
    const s = swipe.current;
    swipe.current = null;
    if (!s) return;
    const dx = e.clientX - s.x;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(e.clientY - s.y)) go(dx > 0 ? prev : next);
  };

  const utils = trpc.useUtils();
  const del = trpc.photos.delete.useMutation({
    onSuccess: () => {
      setConfirmDelete(false);
      void utils.photos.usage.invalidate();
      const after = next ?? prev;
      onDeleted(id);
      if (after) onShow(after.id);
      else onClose();
    },
  });

  const name = photo ? photo.caption || photo.filename : "Photo";
  return (
    <dialog ref={ref} className="viewer" aria-labelledby={titleId} onCancel={(e) => (e.preventDefault(), onClose())} onKeyDown={onKeyDown} data-testid="viewer">
      <div className="viewer-bar">
        <button type="button" className="viewer-btn" onClick={onClose} aria-label="Close the viewer">
          <Icon d="M15 18l-6-6 6-6" />
        </button>
        <div className="viewer-title">
          <h2 id={titleId}>{name}</h2>
          {photo && <span className="viewer-sub">{formatDateTime(photo.takenAt ?? photo.createdAt)}</span>}
        </div>
        {photo && <AddToVideo id={photo.id} ready={photo.status === "ready"} />}
        <button
          type="button"
          className="viewer-btn on focal-toggle"
          aria-pressed={focusMode}
          onClick={() => setFocusMode((v) => !v)}
          disabled={photo?.status !== "ready"}
          data-testid="set-focus"
        >
          <Icon d="M12 2v4m0 12v4M2 12h4m12 0h4M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z" />
          <span className="focal-toggle-label">Set focus</span>
        </button>
        <button type="button" className="viewer-btn" aria-pressed={info} onClick={() => setInfo((v) => !v)} aria-label="Details">
          <Icon d="M12 16v-4m0-4h.01M22 12a10 10 0 1 1-20 0 10 10 0 0 1 20 0z" />
        </button>
        <button type="button" className="viewer-btn" onClick={() => setConfirmDelete(true)} aria-label="Delete this photo" disabled={!photo}>
          <Icon d="M3 6h18M8 6V4h8v2m2 0v14H6V6m4 4v7m4-7v7" />
        </button>
      </div>

      <div className={`viewer-body${info ? " with-info" : ""}`}>
        <div className="viewer-stage" onPointerDown={onPointerDown} onPointerUp={onPointerUp} onPointerCancel={() => (swipe.current = null)}>
          {photo ? <Frame photo={photo} focusMode={focusMode} onSaved={onSaved} /> : fetched.isError ? <ErrorAlert message={errorData(fetched.error).code === "NOT_FOUND" ? "This photo is no longer in your library." : errorMessage(fetched.error)} /> : <Spinner label="Loading photo…" />}
          {prev && (
            <button type="button" className="viewer-nav prev" onClick={() => go(prev)} aria-label="Previous photo">
              <Icon d="M15 18l-6-6 6-6" />
            </button>
          )}
          {next && (
            <button type="button" className="viewer-nav next" onClick={() => go(next)} aria-label="Next photo">
              <Icon d="M9 18l6-6-6-6" />
            </button>
          )}
        </div>
        {info && photo && (
          <aside className="viewer-info" aria-label="Photo details">
            <CaptionForm key={photo.id} photo={photo} onSaved={onSaved} />
            <Details photo={photo} />
          </aside>
        )}
      </div>

      <ConfirmDialog
        open={confirmDelete}
        title="Delete this photo?"
        body={<p>It is removed from your library for good. Videos you already made keep it.</p>}
        confirmLabel="Delete"
        busy={del.isPending}
        error={del.error ? errorMessage(del.error) : null}
        onCancel={() => (setConfirmDelete(false), del.reset())}
        onConfirm={() => del.mutate({ ids: [id] })}
      />
    </dialog>
  );
}

/**
 * The image box: the photo's own aspect ratio, as large as the stage allows; the thumbnail shows until the preview is in.
 * In focus mode the focal-point editor covers it.
 */
function Frame({ photo, focusMode, onSaved }: { photo: PhotoView; focusMode: boolean; onSaved: (p: PhotoView) => void }) {
  const [loaded, setLoaded] = useState<string | null>(null);
  // A preview that does not load has most likely outlived its link (the list it came from was loaded long ago, and
  // links last 15 minutes): the photo is fetched again, once, for a freshly signed one.
  const [failed, setFailed] = useState<string | null>(null);
  const again = trpc.photos.get.useQuery({ id: photo.id }, { enabled: failed === photo.id, retry: false, staleTime: 0 });
  const fresh = failed === photo.id ? again.data?.previewUrl : undefined;
  const preview = fresh ?? stableUrl(`p:${photo.id}`, photo.previewUrl);
  const thumb = stableUrl(`t:${photo.id}`, photo.thumbnailUrl);
  const ratio = photo.width && photo.height ? photo.width / photo.height : 4 / 3;
  if (!preview) return <Spinner label="This photo is still being processed…" />;
  return (
    <div className="viewer-frame" style={{ "--ar": ratio } as CSSProperties} data-testid="viewer-frame">
      {thumb && loaded !== photo.id && <img className="viewer-placeholder" src={thumb} alt="" aria-hidden="true" />}
      <img
        key={fresh ? `${photo.id}:again` : photo.id}
        src={preview}
        alt={photo.caption ?? photo.filename}
        onLoad={() => setLoaded(photo.id)}
        onError={() => setFailed(photo.id)}
        data-testid="viewer-image"
      />
      {focusMode && <FocalEditor key={photo.id} photo={photo} onSaved={onSaved} />}
    </div>
  );
}

function AddToVideo({ id, ready }: { id: string; ready: boolean }) {
  const draft = useSyncExternalStore(subscribeDraft, draftPhotoIds);
  const ids = draft ? draft.split(",") : [];
  const inVideo = ids.includes(id);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    if (!note) return;
    const t = setTimeout(() => setNote(null), 6000);
    return () => clearTimeout(t);
  }, [note]);
  const toggle = () => {
    if (!toggleInDraft(id)) return setNote(`A video holds at most ${MAX_SLIDES} photos. Remove some in the composer first.`);
    const n = ids.length + (inVideo ? -1 : 1);
    setNote(inVideo ? "Taken out of your video." : `Added to your video (${n} photo${n === 1 ? "" : "s"}).`);
  };
  return (
    <div className="viewer-add">
      <button type="button" className={inVideo ? "viewer-btn on" : "primary"} aria-pressed={inVideo} onClick={toggle} disabled={!ready}>
        {inVideo ? "In video ✓" : "Add to video"}
      </button>
      <span role="status" className="viewer-note">
        {note && (
          <>
            {note} {ids.length > 0 && <Link to="/compose">Open the composer</Link>}
          </>
        )}
      </span>
    </div>
  );
}

function CaptionForm({ photo, onSaved }: { photo: PhotoView; onSaved: (p: PhotoView) => void }) {
  const [text, setText] = useState(photo.caption ?? "");
  const fieldId = useId();
  const errId = useId();
  const save = trpc.photos.updateCaption.useMutation({ onSuccess: (p) => onSaved(p) });
  const dirty = text.trim() !== (photo.caption ?? "");
  const error = save.error ? (errorData(save.error).fieldErrors?.caption?.[0] ?? errorMessage(save.error)) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate({ id: photo.id, caption: text.trim() || null });
  };
  return (
    <form className="viewer-caption" onSubmit={submit}>
      <label htmlFor={fieldId}>Caption</label>
      <textarea
        id={fieldId}
        value={text}
        rows={2}
        maxLength={500}
        placeholder="Add a caption"
        onChange={(e) => (setText(e.target.value), save.reset())}
        onKeyDown={(e) => e.key === "Enter" && !e.shiftKey && (e.preventDefault(), e.currentTarget.form?.requestSubmit())}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? errId : undefined}
      />
      {error && (
        <div className="field-error" id={errId}>
          {error}
        </div>
      )}
      {(dirty || save.isPending) && (
        <div className="row">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save caption"}
          </button>
          <button type="button" className="ghost" onClick={() => (setText(photo.caption ?? ""), save.reset())}>
            Cancel
          </button>
        </div>
      )}
      {save.isSuccess && !dirty && (
        <span className="viewer-note" role="status">
          Caption saved.
        </span>
      )}
    </form>
  );
}

function Details({ photo }: { photo: PhotoView }) {
  const camera = cameraName(photo.cameraMake, photo.cameraModel);
  return (
    <dl className="viewer-details">
      <dt>{photo.takenAt ? "Taken" : "Uploaded"}</dt>
      <dd>{formatDateTime(photo.takenAt ?? photo.createdAt)}</dd>
      {photo.takenAt && (
        <>
          <dt>Uploaded</dt>
          <dd>{formatDateTime(photo.createdAt)}</dd>
        </>
      )}
      <dt>Camera</dt>
      <dd>{camera ?? "Not recorded"}</dd>
      <dt>Size</dt>
      <dd>
        {photo.width && photo.height ? `${photo.width} × ${photo.height} · ` : ""}
        {formatBytes(photo.bytes)}
      </dd>
      <dt>File</dt>
      <dd className="viewer-file">{photo.filename}</dd>
    </dl>
  );
}

/** A 24-px stroke icon (decorative: the button carries the name). */
export function Icon({ d }: { d: string }) {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d={d} />
    </svg>
  );
}
