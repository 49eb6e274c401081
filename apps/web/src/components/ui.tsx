import { useEffect, useId, useRef, type ReactNode } from "react";
import { formatPercent } from "../lib/format";

/** A native <progress> (role progressbar, its value announced as a percentage), styled in styles.css. */
export function ProgressBar({ value, label, tone }: { value: number; label: string; tone?: "ok" | "bad" }) {
  const v = Math.max(0, Math.min(100, value));
  return <progress className={`progress${tone ? ` ${tone}` : ""}`} aria-label={label} max={100} value={v} aria-valuetext={formatPercent(v)} />;
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

export function ErrorAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <Alert tone="error" role="alert">
      {message}
    </Alert>
  );
}

/** A message box. `role="status"` for news that should be announced politely, `"alert"` for errors. */
export function Alert({ tone, role, children, testId }: { tone: "error" | "info" | "ok" | "warn"; role?: "alert" | "status"; children: ReactNode; testId?: string }) {
  return (
    <div className={`alert alert-${tone}`} role={role} data-testid={testId}>
      {children}
    </div>
  );
}

/** A section's heading row: the heading (and `status` beside it, e.g. a badge), then its controls pushed to the right. */
export function SectionHead({ id, title, level = 2, status, children }: { id: string; title: ReactNode; level?: 2 | 3; status?: ReactNode; children?: ReactNode }) {
  const H = level === 2 ? "h2" : "h3";
  return (
    <div className="section-head">
      <H id={id}>{title}</H>
      {status}
      {children && (
        <>
          <span className="spacer" />
          {children}
        </>
      )}
    </div>
  );
}

/** A label beside its control (a compact filter or sort select); the label is tied to the control by id. */
export function InlineField({ label, quiet, children }: { label: string; quiet?: boolean; children: (props: { id: string }) => ReactNode }) {
  const id = useId();
  return (
    <div className="inline-field">
      <label htmlFor={id} className={quiet ? "quiet" : undefined}>
        {label}
      </label>
      {children({ id })}
    </div>
  );
}

/** The "load the next page" button under a list (infinite lists also load on scroll; this is the keyboard way). */
export function LoadMore({ onClick, busy, label = "Load more" }: { onClick: () => void; busy: boolean; label?: string }) {
  return (
    <div className="load-more">
      <button type="button" onClick={onClick} disabled={busy}>
        {busy ? "Loading…" : label}
      </button>
    </div>
  );
}

/**
 * A wide table that scrolls sideways on a phone. The region is focusable and named so keyboard users can scroll it
 * (axe's scrollable-region-focusable).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** A labelled control with its hint and error wired up with aria-describedby / aria-invalid. */
export function Field({ label, hint, error, children, className }: { label: string; hint?: ReactNode; error?: string | undefined; className?: string; children: (props: { id: string; "aria-invalid": boolean; "aria-describedby": string | undefined }) => ReactNode }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${className ? ` ${className}` : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": Boolean(error), "aria-describedby": describedBy })}
      {hint && (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errId}>
          {error}
        </div>
      )}
    </div>
  );
}

/** Native <dialog>: focus trap, Escape and the backdrop come with it. */
export function ConfirmDialog({ open, title, body, confirmLabel, busy, error, onConfirm, onCancel }: { open: boolean; title: string; body: ReactNode; confirmLabel: string; busy?: boolean; error?: string | null; onConfirm: () => void; onCancel: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onCancel={(e) => (e.preventDefault(), onCancel())}>
      <h2 id={titleId}>{title}</h2>
      <div>{body}</div>
      <ErrorAlert message={error} />
      <div className="row">
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger solid" onClick={onConfirm} disabled={busy}>
          {busy && <span className="spinner" aria-hidden="true" />}
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export function PageHead({ title, lede, children }: { title: string; lede?: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-head">
      <div>
        <h1 tabIndex={-1} data-page-title>
          {title}
        </h1>
        {lede && <p className="lede">{lede}</p>}
      </div>
      {children}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <span role="status" className="muted">
      <span className="spinner" aria-hidden="true" /> {label}
    </span>
  );
}

/** Radio buttons that look like a segmented control (still a native radio group for keyboard and screen readers). */
export function Segmented<T extends string>({ legend, name, value, options, onChange }: { legend: string; name: string; value: T; options: [T, string][]; onChange: (v: T) => void }) {
  return (
    <div className="field" role="radiogroup" aria-labelledby={`${name}-legend`}>
      <div id={`${name}-legend`} className="group-label">
        {legend}
      </div>
      <div className="segmented">
        {options.map(([v, label]) => (
          <label key={v}>
            <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} />
            {label}
          </label>
        ))}
      </div>
    </div>
  );
}
