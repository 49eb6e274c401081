import type { PhotoView } from "@photoreel/contracts";
import { useState } from "react";
import { formatSeconds } from "../lib/format";
import type { SpecForm } from "../lib/spec-form";
import { stableUrl } from "../lib/stable-url";

/** The ordered slides: HTML5 drag and drop, plus buttons for keyboard and touch users. */
export function Timeline({ slides, photos, defaultSeconds, errorFor, onChange, onTouched, onMove }: {
  slides: SpecForm["slides"];
  photos: Map<string, PhotoView>;
  defaultSeconds: string;
  errorFor: (path: string) => string | undefined;
  onChange: (slides: SpecForm["slides"]) => void;
  onTouched: (path: string) => void;
  onMove: (from: number, to: number) => void;
}) {
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const [dragOver, setDragOver] = useState<number | null>(null);
  return (
    <section className="card" aria-labelledby="order-title">
      <h2 id="order-title">Order and timing</h2>
      {slides.length === 0 ? (
        <p className="muted">No photos picked yet.</p>
      ) : (
        <p className="muted small">Drag to reorder, or use the arrow buttons. Leave a duration empty to use the default ({formatSeconds(Number(defaultSeconds))}).</p>
      )}
      {errorFor("slides") && (
        <div className="field-error" role="alert" style={{ marginBottom: 8 }}>
          {errorFor("slides")}
        </div>
      )}
      <ol className="timeline" data-testid="timeline">
        {slides.map((s, i) => {
          const p = photos.get(s.photoId);
          const label = p?.caption ?? p?.filename ?? `Photo ${i + 1}`;
          const err = errorFor(`slides.${i}.seconds`) ?? errorFor(`slides.${i}.photoId`);
          return (
            <li
              key={s.key ?? `${s.photoId}-${i}`}
              className={`slide${dragFrom === i ? " dragging" : ""}${dragOver === i && dragFrom !== i ? " drop-target" : ""}`}
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
              data-testid="slide"
            >
              <span className="handle" aria-hidden="true" title="Drag to reorder">
                ⠿
              </span>
              {p?.thumbnailUrl ? <img src={stableUrl(`t:${p.id}`, p.thumbnailUrl) ?? undefined} alt="" /> : <span className="ph" />}
              <div className="slide-main">
                <span className="photo-title">
                  {i + 1}. {label}
                </span>
                <span className="seconds">
                  <label htmlFor={`sec-${s.key ?? i}`} style={{ margin: 0, fontWeight: 500 }}>
                    Seconds
                  </label>
                  <input
                    id={`sec-${s.key ?? i}`}
                    type="number"
                    min={1}
                    max={10}
                    step={0.5}
                    placeholder={defaultSeconds}
                    value={s.seconds}
                    aria-invalid={Boolean(err)}
                    aria-describedby={err ? `sec-err-${s.key ?? i}` : undefined}
                    onChange={(e) => {
                      onChange(slides.map((x, j) => (j === i ? { ...x, seconds: e.target.value } : x)));
                      onTouched(`slides.${i}.seconds`);
                    }}
                  />
                </span>
                {err && (
                  <span className="field-error" id={`sec-err-${s.key ?? i}`}>
                    {err}
                  </span>
                )}
              </div>
              <div className="slide-actions">
                <button type="button" className="icon-btn" aria-label={`Move ${label} up`} aria-disabled={i === 0} onClick={() => onMove(i, i - 1)}>
                  ↑
                </button>
                <button type="button" className="icon-btn" aria-label={`Move ${label} down`} aria-disabled={i === slides.length - 1} onClick={() => onMove(i, i + 1)}>
                  ↓
                </button>
                <button type="button" className="icon-btn danger" aria-label={`Remove ${label}`} onClick={() => onChange(slides.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
