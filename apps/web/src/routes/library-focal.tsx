import type { PhotoView } from "@photoreel/contracts";
import { useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent } from "react";
import { errorData, errorMessage } from "../lib/errors";
import { trpc } from "../lib/trpc";

/** Arrow keys move the point this far (fractions of the photo); with Shift, five times as far. */
const KEY_STEP = 0.02;
/** Key presses come in bursts: save once the burst is over, not on every step. */
const KEY_SAVE_DELAY_MS = 500;

const clamp01 = (n: number) => Math.min(1, Math.max(0, n));
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const percent = (n: number) => `${Math.round(n * 100)}%`;

/**
 * "Set focus": lies over the viewer's image box (exactly the displayed photo), shows the photo's focal point as a
 * marker, and moves it where the photo is clicked or tapped, or by the arrow keys; every move is saved
 * (photos.setFocalPoint). Cover crops and Ken Burns of new videos centre on this point.
 */
export function FocalEditor({ photo, onSaved }: { photo: PhotoView; onSaved: (p: PhotoView) => void }) {
  const [point, setPoint] = useState(() => photo.focal ?? { x: 0.5, y: 0.5 });
  const hintId = useId();
  const save = trpc.photos.setFocalPoint.useMutation({ onSuccess: (p) => onSaved(p) });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  const moveTo = (x: number, y: number, delay = 0) => {
    const next = { x: round3(clamp01(x)), y: round3(clamp01(y)) };
    setPoint(next);
    save.reset();
    clearTimeout(timer.current);
    timer.current = setTimeout(() => save.mutate({ id: photo.id, ...next }), delay);
  };
  const onClick = (e: MouseEvent<HTMLButtonElement>) => {
    // Enter or Space "click" the button with no position: the arrow keys are the keyboard's way to move the point.
    if (e.detail === 0) return;
    const box = e.currentTarget.getBoundingClientRect();
    moveTo((e.clientX - box.left) / box.width, (e.clientY - box.top) / box.height);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    const step = e.shiftKey ? KEY_STEP * 5 : KEY_STEP;
    const by = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
    if (!by) return;
    // The viewer's own arrow keys step through photos: not while the point is being moved.
    e.preventDefault();
    e.stopPropagation();
    moveTo(point.x + by[0]!, point.y + by[1]!, KEY_SAVE_DELAY_MS);
  };

  const error = save.error ? (errorData(save.error).fieldErrors?.x?.[0] ?? errorMessage(save.error)) : null;
  const status = error ?? (save.isPending ? "Saving…" : save.isSuccess ? "Focus saved." : "");
  return (
    <>
      <button
        type="button"
        className="focal-target"
        aria-label={`Focus point, ${percent(point.x)} across and ${percent(point.y)} down`}
        aria-describedby={hintId}
        onClick={onClick}
        onKeyDown={onKeyDown}
        onPointerDown={(e) => e.stopPropagation()}
        onPointerUp={(e) => e.stopPropagation()}
        data-testid="focal-target"
      >
        <span className="focal-marker" style={{ left: `${point.x * 100}%`, top: `${point.y * 100}%` }} data-x={point.x} data-y={point.y} data-testid="focal-marker" aria-hidden="true" />
      </button>
      <div className="focal-hint">
        <span id={hintId}>Click or tap the subject, or use the arrow keys (Shift for bigger steps). Videos crop around this point.</span>
        <span role="status" className={error ? "focal-status bad" : "focal-status"} data-testid="focal-status">
          {status}
        </span>
      </div>
    </>
  );
}
