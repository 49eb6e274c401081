import { outputSize, TRANSITIONS, type PhotoView, type Transition } from "@photoreel/contracts";
import { useEffect, useMemo, useState } from "react";
import { ErrorAlert, Field, PageHead, Segmented, Spinner } from "../components/ui";
import { errorData, errorMessage } from "../lib/errors";
import { formatDuration } from "../lib/format";
import { navigate } from "../lib/router";
import { defaultSpecForm, moveItem, serverFieldErrors, validateSpecForm, type FieldErrors, type SpecForm } from "../lib/spec-form";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";
import { Timeline } from "./composer-timeline";
import { MusicPicker } from "./music-picker";
import { PreviewPanel } from "./preview-panel";

const STORE = "photoreel.composer";
const TRANSITION_LABEL: Partial<Record<Transition, string>> = {
  none: "None (hard cut)", fade: "Fade", fadeblack: "Fade through black", fadewhite: "Fade through white", dissolve: "Dissolve",
  wipeleft: "Wipe left", wiperight: "Wipe right", slideleft: "Slide left", slideright: "Slide right", smoothleft: "Smooth left",
  smoothright: "Smooth right", circleopen: "Circle open", circleclose: "Circle close", radial: "Radial", zoomin: "Zoom in", pixelize: "Pixelize",
};
let keySeq = 0;
const newKey = () => `s${Date.now().toString(36)}${++keySeq}`;

function loadForm(): SpecForm {
  try {
    const raw = sessionStorage.getItem(STORE);
    if (raw) return { ...defaultSpecForm(), ...(JSON.parse(raw) as Partial<SpecForm>) };
  } catch {
    /* a corrupt draft is simply dropped */
  }
  return defaultSpecForm();
}

export default function Composer() {
  const utils = trpc.useUtils();
  const [form, setForm] = useState<SpecForm>(loadForm);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [serverMessage, setServerMessage] = useState<string | null>(null);
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");

  // Photos chosen in the library arrive as ?photos=a,b,c.
  useEffect(() => {
    const ids = new URLSearchParams(location.search).get("photos")?.split(",").filter(Boolean) ?? [];
    if (ids.length) {
      setForm((f) => ({ ...f, slides: ids.map((photoId) => ({ key: newKey(), photoId, seconds: "" })) }));
      history.replaceState(null, "", "/compose");
    }
  }, []);
  useEffect(() => sessionStorage.setItem(STORE, JSON.stringify(form)), [form]);

  const photosQ = trpc.photos.list.useInfiniteQuery({ sort: "uploaded", limit: 100, status: "ready" }, { getNextPageParam: (p) => p.nextCursor ?? undefined });
  const photos = useMemo(() => photosQ.data?.pages.flatMap((p) => p.items) ?? [], [photosQ.data]);
  const byId = useMemo(() => new Map(photos.map((p) => [p.id, p])), [photos]);

  const result = validateSpecForm(form);
  const clientErrors = result.ok ? {} : result.errors;
  const errorFor = (path: string): string | undefined => serverErrors[path] ?? (showAll || touched.has(path) ? clientErrors[path] : undefined);

  const set = <K extends keyof SpecForm>(k: K, v: SpecForm[K], path: string = k) => {
    setForm((f) => ({ ...f, [k]: v }));
    setTouched((t) => new Set(t).add(path));
    setServerErrors({});
    setServerMessage(null);
  };
  const setSlides = (slides: SpecForm["slides"]) => {
    setForm((f) => ({ ...f, slides }));
    setServerErrors({});
  };

  const onServerError = (e: unknown) => {
    const fe = serverFieldErrors(errorData(e).fieldErrors);
    setServerErrors(fe);
    setShowAll(true);
    setServerMessage(errorMessage(e));
  };
  const preview = trpc.videos.preview.useMutation({ onSuccess: (v) => setPreviewId(v.id), onError: onServerError });
  const create = trpc.videos.create.useMutation({
    onSuccess: () => {
      void utils.videos.list.invalidate();
      sessionStorage.removeItem(STORE);
      navigate("/videos");
    },
    onError: onServerError,
  });

  const submit = (kind: "preview" | "create") => {
    setShowAll(true);
    setServerMessage(null);
    if (!result.ok) {
      // Put the user where the first problem is.
      setTimeout(() => document.querySelector<HTMLElement>("[aria-invalid='true']")?.focus(), 0);
      return;
    }
    if (kind === "preview") preview.mutate(result.input);
    else create.mutate(result.input);
  };

  const togglePhoto = (p: PhotoView) => {
    const i = form.slides.findIndex((s) => s.photoId === p.id);
    if (i >= 0) setSlides(form.slides.filter((_, j) => j !== i));
    else setSlides([...form.slides, { key: newKey(), photoId: p.id, seconds: "" }]);
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= form.slides.length) return;
    setSlides(moveItem(form.slides, from, to));
    setAnnounce(`Photo moved to position ${to + 1} of ${form.slides.length}`);
  };

  const size = outputSize(form.aspect, form.resolution);

  return (
    <>
      <PageHead title="Compose a video" lede="Pick photos, put them in order, choose how it looks, then preview or create it." />
      <div className="visually-hidden" aria-live="polite">
        {announce}
      </div>
      <div className="composer">
        <div className="stack">
          <section className="card" aria-labelledby="pick-title">
            <h2 id="pick-title">Photos</h2>
            <p className="muted small">Click a photo to add it; click again to remove it. Only photos that finished processing are shown.</p>
            {photosQ.isPending && <Spinner label="Loading photos…" />}
            {photosQ.isError && <ErrorAlert message={errorMessage(photosQ.error)} />}
            {photosQ.isSuccess && photos.length === 0 && (
              <p className="empty">
                No ready photos yet. <a href="/library" onClick={(e) => (e.preventDefault(), navigate("/library"))}>Upload some in the library.</a>
              </p>
            )}
            <ul className="picker" data-testid="picker">
              {photos.map((p) => {
                const pos = form.slides.findIndex((s) => s.photoId === p.id);
                return (
                  <li key={p.id}>
                    <button type="button" aria-pressed={pos >= 0} onClick={() => togglePhoto(p)} aria-label={`${pos >= 0 ? "Remove" : "Add"} ${p.caption ?? p.filename}`}>
                      {p.thumbnailUrl ? <img src={stableUrl(`t:${p.id}`, p.thumbnailUrl) ?? undefined} alt="" loading="lazy" /> : <span className="muted small">{p.filename}</span>}
                      {pos >= 0 && <span className="pick-count">{pos + 1}</span>}
                    </button>
                  </li>
                );
              })}
            </ul>
            {photosQ.hasNextPage && (
              <button type="button" style={{ marginTop: 8 }} onClick={() => void photosQ.fetchNextPage()} disabled={photosQ.isFetchingNextPage}>
                More photos
              </button>
            )}
          </section>

          <Timeline
            slides={form.slides}
            photos={byId}
            defaultSeconds={form.secondsPerPhoto}
            errorFor={errorFor}
            onChange={setSlides}
            onTouched={(path) => setTouched((t) => new Set(t).add(path))}
            onMove={move}
          />

          <PreviewPanel id={previewId} onClose={() => setPreviewId(null)} />
        </div>

        <section className="card" aria-labelledby="options-title">
          <h2 id="options-title">Options</h2>
          <div className="summary" aria-live="polite" data-testid="summary">
            <span>
              <strong>{form.slides.length}</strong> photo{form.slides.length === 1 ? "" : "s"}
            </span>
            <span>
              Length <strong data-testid="duration">{result.ok ? formatDuration(result.durationSeconds) : "–"}</strong>
            </span>
            <span>
              Output <strong>{size.width}×{size.height}</strong>, {form.fps} fps
            </span>
          </div>
          <ErrorAlert message={serverMessage} />
          <Field label="Video title" hint="Shown in your list of videos and used as the download's file name." error={errorFor("title")}>
            {(p) => <input {...p} type="text" maxLength={120} value={form.title} onChange={(e) => set("title", e.target.value)} />}
          </Field>

          <fieldset>
            <legend>Timing</legend>
            <div className="fields">
              <Field label="Seconds per photo" error={errorFor("secondsPerPhoto")}>
                {(p) => <input {...p} type="number" min={1} max={10} step={0.5} value={form.secondsPerPhoto} onChange={(e) => set("secondsPerPhoto", e.target.value)} />}
              </Field>
              <Field label="Transition" error={errorFor("transition")}>
                {(p) => (
                  <select {...p} value={form.transition} onChange={(e) => set("transition", e.target.value as Transition)}>
                    {TRANSITIONS.map((t) => (
                      <option key={t} value={t}>
                        {TRANSITION_LABEL[t] ?? t}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {form.transition !== "none" && (
                <Field label="Transition seconds" error={errorFor("transitionSeconds")}>
                  {(p) => <input {...p} type="number" min={0.1} max={2} step={0.1} value={form.transitionSeconds} onChange={(e) => set("transitionSeconds", e.target.value)} />}
                </Field>
              )}
            </div>
            <label className="check">
              <input type="checkbox" checked={form.kenBurns} onChange={(e) => set("kenBurns", e.target.checked)} /> Slow pan and zoom (Ken Burns)
            </label>
          </fieldset>

          <fieldset>
            <legend>Frame</legend>
            <Segmented legend="Fit" name="fit" value={form.fit} options={[["cover", "Fill (crop)"], ["contain", "Fit (bars)"], ["blur", "Fit on blur"]]} onChange={(v) => set("fit", v)} />
            <Segmented legend="Aspect ratio" name="aspect" value={form.aspect} options={[["16:9", "16:9"], ["9:16", "9:16"], ["1:1", "1:1"], ["4:5", "4:5"]]} onChange={(v) => set("aspect", v)} />
            <div className="fields">
              <Field label="Resolution">
                {(p) => (
                  <select {...p} value={form.resolution} onChange={(e) => set("resolution", e.target.value as SpecForm["resolution"])}>
                    <option value="720p">720p</option>
                    <option value="1080p">1080p</option>
                    <option value="2160p">2160p (4K)</option>
                  </select>
                )}
              </Field>
              <Field label="Frame rate">
                {(p) => (
                  <select {...p} value={form.fps} onChange={(e) => set("fps", e.target.value as SpecForm["fps"])}>
                    <option value="24">24 fps</option>
                    <option value="25">25 fps</option>
                    <option value="30">30 fps</option>
                  </select>
                )}
              </Field>
            </div>
            <Segmented legend="Quality" name="quality" value={form.quality} options={[["draft", "Draft (smaller file)"], ["final", "Final"]]} onChange={(v) => set("quality", v)} />
          </fieldset>

          <fieldset>
            <legend>Title card</legend>
            <label className="check" style={{ marginBottom: 10 }}>
              <input type="checkbox" checked={form.titleCardEnabled} onChange={(e) => set("titleCardEnabled", e.target.checked)} /> Start with a title card
            </label>
            {form.titleCardEnabled && (
              <div className="fields">
                <Field label="Title text" error={errorFor("titleCard.text")}>
                  {(p) => <input {...p} type="text" maxLength={80} value={form.titleCardText} onChange={(e) => set("titleCardText", e.target.value, "titleCard.text")} />}
                </Field>
                <Field label="Seconds" error={errorFor("titleCard.seconds")}>
                  {(p) => <input {...p} type="number" min={1} max={10} step={0.5} value={form.titleCardSeconds} onChange={(e) => set("titleCardSeconds", e.target.value, "titleCard.seconds")} />}
                </Field>
              </div>
            )}
          </fieldset>

          <MusicPicker
            audioId={form.musicAudioId}
            fadeOut={form.musicFadeOutSeconds}
            fadeOutError={errorFor("music.fadeOutSeconds")}
            onChange={(id) => set("musicAudioId", id, "music.audioId")}
            onFadeOut={(v) => set("musicFadeOutSeconds", v, "music.fadeOutSeconds")}
          />

          <div className="sticky-actions">
            <button type="button" onClick={() => submit("preview")} disabled={preview.isPending}>
              {preview.isPending ? "Starting preview…" : "Preview"}
            </button>
            <button type="button" className="primary" onClick={() => submit("create")} disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create video"}
            </button>
            <span className="spacer" />
            <button type="button" className="ghost" onClick={() => (setForm(defaultSpecForm()), setTouched(new Set()), setShowAll(false), setServerErrors({}), setServerMessage(null))}>
              Reset
            </button>
          </div>
        </section>
      </div>
    </>
  );
}
