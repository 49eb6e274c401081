import { TRANSITIONS, type PhotoView, type Transition } from "@photoreel/contracts";
import { useState } from "react";
import { formatSeconds } from "../lib/format";
import type { SpecForm } from "../lib/spec-form";
import { stableUrl } from "../lib/stable-url";
import "../styles/filmstrip.css";

export const TRANSITION_LABEL: Record<Transition, string> = {
  none: "None (hard cut)", fade: "Fade", fadeblack: "Fade through black", fadewhite: "Fade through white", dissolve: "Dissolve",
  wipeleft: "Wipe left", wiperight: "Wipe right", slideleft: "Slide left", slideright: "Slide right", smoothleft: "Smooth left",
  smoothright: "Smooth right", circleopen: "Circle open", circleclose: "Circle close", radial: "Radial", zoomin: "Zoom in", pixelize: "Pixelize",
};

/** A chip is small: a cut is just "Cut". */
const CHIP_LABEL = (t: Transition) => (t === "none" ? "Cut" : TRANSITION_LABEL[t]);

/** Filmstrip scale: a slide's frame is this many pixels per second (short slides keep a minimum width for their controls). */
const PX_PER_SECOND = 52;

/**
 * The ordered slides as a horizontal filmstrip: each slide as wide as it lasts, dragged to reorder (with buttons for
 * keyboard and touch users), its own duration, and after it a chip choosing the transition into the next slide.
 */
export function Timeline({ slides, photos, defaultSeconds, defaultTransition, errorFor, onChange, onTouched, onMove }: {
  slides: SpecForm["slides"];
  photos: Map<string, PhotoView>;
  defaultSeconds: string;
  defaultTransition: Transition;
  errorFor: (path: string) => string | undefined;
  onChange: (slides: SpecForm["slides"]) => void;
  onTouched: (path: string) => void;
  onMove: (from: number, to: number) => void;
}) {
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);
  const fallback = Number(defaultSeconds) || 3;
  const update = (i: number, patch: Partial<SpecForm["slides"][number]>, path: string) => {
    onChange(slides.map((x, j) => (j === i ? { ...x, ...patch } : x)));
    onTouched(path);
  };
  return (
    <section className="card filmstrip-card" aria-labelledby="order-title">
      <h2 id="order-title">Timeline</h2>
      {slides.length === 0 ? (
        <p className="muted">No photos picked yet.</p>
      ) : (
        <p className="muted small">
          Each photo is as wide as it lasts. Drag to reorder, or use the arrow buttons. Leave a duration empty to use the default ({formatSeconds(fallback)}). The chip after a photo is its transition into the next: dashed while it follows the video's.
        </p>
      )}
      {errorFor("slides") && (
        <div className="form-error" role="alert">
          {errorFor("slides")}
        </div>
      )}
      <ol className="filmstrip" data-testid="timeline">
        {slides.map((s, i) => {
          const p = photos.get(s.photoId);
          const label = p?.caption ?? p?.filename ?? `Photo ${i + 1}`;
          const id = s.key ?? String(i);
          const secondsErr = errorFor(`slides.${i}.seconds`);
          const photoErr = errorFor(`slides.${i}.photoId`);
          const err = secondsErr ?? photoErr;
          const seconds = Number(s.seconds) > 0 ? Number(s.seconds) : fallback;
          const last = i === slides.length - 1;
          const transition = s.transition ?? defaultTransition;
          return (
            <li
              key={s.key ?? `${s.photoId}-${i}`}
              className={`film-item${dragFrom === i ? " dragging" : ""}${dragOver === i && dragFrom !== i ? " drop-target" : ""}`}
              data-testid="slide"
              data-seconds={seconds}
              draggable
              onDragStart={(e) => {
                setDragFrom(i);
                e.dataTransfer.effectAllowed = "move";
                e.dataTransfer.setData("text/plain", String(i));
              }}
              onDragOver={(e) => {
                e.preventDefault();
                setDragOver(i);
              }}
              onDrop={(e) => {
                e.preventDefault();
                const from = dragFrom ?? Number(e.dataTransfer.getData("text/plain"));
                if (Number.isInteger(from)) onMove(from, i);
                setDragFrom(null);
                setDragOver(null);
              }}
              onDragEnd={() => (setDragFrom(null), setDragOver(null))}
            >
              <div className={`film-slide${photoErr ? " invalid" : ""}`} style={{ width: `max(9.5rem, ${seconds * PX_PER_SECOND}px)` }} data-testid="film-frame">
                <div className="film-thumb" title="Drag to reorder">
                  {p?.thumbnailUrl ? <img src={stableUrl(`t:${p.id}`, p.thumbnailUrl) ?? undefined} alt="" draggable={false} /> : <span className="ph" />}
                </div>
                <span className="photo-title">
                  {i + 1}. {label}
                </span>
                <span className="film-seconds">
                  <label htmlFor={`sec-${id}`} className="visually-hidden">
                    Seconds for photo {i + 1}
                  </label>
                  <input
                    id={`sec-${id}`}
                    type="number"
                    min={1}
                    max={10}
                    step={0.5}
                    placeholder={defaultSeconds}
                    value={s.seconds}
                    aria-invalid={Boolean(secondsErr)}
                    aria-describedby={err ? `sec-err-${id}` : undefined}
                    onChange={(e) => update(i, { seconds: e.target.value }, `slides.${i}.seconds`)}
                  />
                  <span aria-hidden="true">s</span>
                </span>
                <span className="film-actions">
                  <button type="button" className="icon-btn" aria-label={`Move ${label} earlier`} aria-disabled={i === 0} onClick={() => onMove(i, i - 1)}>
                    <span aria-hidden="true">←</span>
                  </button>
                  <button type="button" className="icon-btn" aria-label={`Move ${label} later`} aria-disabled={last} onClick={() => onMove(i, i + 1)}>
                    <span aria-hidden="true">→</span>
                  </button>
                  <button type="button" className="icon-btn danger" aria-label={`Remove ${label}`} onClick={() => onChange(slides.filter((_, j) => j !== i))}>
                    <span aria-hidden="true">✕</span>
                  </button>
                </span>
                {err && (
                  <span className="field-error" id={`sec-err-${id}`} role={photoErr ? "alert" : undefined}>
                    {err}
                  </span>
                )}
              </div>
              {!last && (
                <span className={`film-chip${transition === "none" ? " cut" : ""}${s.transition ? "" : " inherited"}`}>
                  <label htmlFor={`tr-${id}`} className="visually-hidden">
                    Transition after photo {i + 1}
                  </label>
                  <select
                    id={`tr-${id}`}
                    value={s.transition ?? ""}
                    onChange={(e) => update(i, { transition: (e.target.value || undefined) as Transition | undefined }, `slides.${i}.transition`)}
                  >
                    {/* A chip shows just the name (it is small); the groups say which is the video's own. */}
                    <optgroup label="The video's transition">
                      <option value="">{CHIP_LABEL(defaultTransition)}</option>
                    </optgroup>
                    <optgroup label="Only after this photo">
                      {TRANSITIONS.map((t) => (
                        <option key={t} value={t}>
                          {CHIP_LABEL(t)}
                        </option>
                      ))}
                    </optgroup>
                  </select>
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
