import { captureDateRange, outputSize, TRANSITIONS, type PhotoView, type Transition } from "@photoreel/contracts";
import { useEffect, useMemo, useState } from "react";
import { ListMore, ListStatus } from "../components/list";
import { ErrorAlert, Field, PageHead, Segmented } from "../components/ui";
import { pageByCursor, useInfiniteList } from "../hooks/use-infinite-list";
import { errorData, errorMessage } from "../lib/errors";
import { formatDuration } from "../lib/format";
import { navigate } from "../lib/router";
import { defaultSpecForm, moveItem, serverFieldErrors, usesTransitions, validateSpecForm, type FieldErrors, type SpecForm } from "../lib/spec-form";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";
import { clearDraft, loadDraft, newSlideKey, saveDraft } from "../lib/video-draft";
import { ComposerEstimates } from "./composer-estimates";
import { useReopenVideo } from "./composer-load";
import { LivePlayer } from "../preview/live-player";
import { previewSpec } from "../preview/preview-spec";
import { Timeline, TRANSITION_LABEL } from "./composer-timeline";
import { MusicPicker } from "./music-picker";
import { PreviewPanel } from "./preview-panel";

const PHOTOS_INPUT = { sort: "uploaded", limit: 100, status: "ready" } as const;

export default function Composer() {
  const utils = trpc.useUtils();
  const [form, setForm] = useState<SpecForm>(loadDraft);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [serverMessage, setServerMessage] = useState<string | null>(null);
  const [previewId, setPreviewId] = useState<string | null>(null);
  const [announce, setAnnounce] = useState("");
  const [jumpTo, setJumpTo] = useState<{ slide: number; n: number } | null>(null);

  // Photos chosen in the library arrive as ?photos=a,b,c.
  useEffect(() => {
    const ids = new URLSearchParams(location.search).get("photos")?.split(",").filter(Boolean) ?? [];
    if (ids.length) {
      setForm((f) => ({ ...f, slides: ids.map((photoId) => ({ key: newSlideKey(), photoId, seconds: "" })) }));
      history.replaceState(null, "", "/compose");
    }
  }, []);
  useEffect(() => saveDraft(form), [form]);
  // A saved video opened with ?edit=, ?duplicate= or ?fix= (its card's buttons): its spec, the failing field marked.
  const [notice, setNotice] = useState<string | null>(null);
  const reopening = useReopenVideo((r) => {
    setForm(r.form);
    setTouched(new Set());
    setServerErrors(r.errors);
    setShowAll(Object.keys(r.errors).length > 0);
    setNotice(r.notice);
    setTimeout(() => document.querySelector(".field-highlight, .film-slide.invalid")?.scrollIntoView({ block: "center" }), 0);
  });

  // Asked for during the first render rather than from the query's own effect, which runs only after the page's
  // first paint (a few hundred ms on a busy 2-core machine): the first frame's photo waits for this list's address.
  trpc.photos.list.usePrefetchInfiniteQuery(PHOTOS_INPUT, { ...pageByCursor, pages: 1 });
  const photosQuery = trpc.photos.list.useInfiniteQuery(PHOTOS_INPUT, pageByCursor);
  const photosQ = useInfiniteList(photosQuery);
  // The music picker reads the same list (one request): the chosen track's listen URL plays under the live preview,
  // and its beats time the preview's cuts when the draft cuts on the beat (previewSpec).
  const tracks = trpc.audio.list.useQuery();
  const musicUrl = tracks.data?.find((a) => a.id === form.musicAudioId)?.listenUrl ?? null;
  const photos = photosQ.items;
  const byId = useMemo(() => new Map(photos.map((p) => [p.id, p])), [photos]);

  const captionOf = (id: string) => byId.get(id)?.caption;
  const result = validateSpecForm(form, captionOf);
  const captioned = form.slides.filter((s) => captionOf(s.photoId)).length;
  const captionsShown = form.captions === "auto" ? captioned > 0 : form.captions === "on";
  const dateRange = captureDateRange(form.slides.map((s) => byId.get(s.photoId)?.takenAt));
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
      clearDraft();
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
    else setSlides([...form.slides, { key: newSlideKey(), photoId: p.id, seconds: "" }]);
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= form.slides.length) return;
    setSlides(moveItem(form.slides, from, to));
    setAnnounce(`Photo moved to position ${to + 1} of ${form.slides.length}`);
  };

  const size = outputSize(form.aspect, form.resolution);
  // Focusing a slide in the order list (its duration, its buttons) shows it in the live preview.
  const jumpToSlide = (e: { target: EventTarget }) => {
    const li = (e.target as HTMLElement).closest?.("[data-testid='slide']");
    const slide = li?.parentElement ? [...li.parentElement.children].indexOf(li) : -1;
    if (slide >= 0) setJumpTo((j) => ({ slide, n: (j?.n ?? 0) + 1 }));
  };

  return (
    <div className="composer-page">
      <PageHead title="Compose a video" lede="Pick photos, put them in order, choose how it looks, then preview or create it." />
      <div className="visually-hidden" aria-live="polite">
        {announce}
      </div>
      {(notice ?? reopening.error ?? (reopening.loading ? "Opening the video…" : null)) && (
        <div className="load-notice" role="status" data-testid="load-notice">
          {notice ?? reopening.error ?? "Opening the video…"}
        </div>
      )}
      <div className="composer">
        <div className="composer-main">
          <LivePlayer spec={result.ok ? previewSpec(result.spec, tracks.data) : null} photos={byId} jumpTo={jumpTo} musicUrl={musicUrl} />
          {/* The player stays in view; the order list and the exact preview scroll under it. */}
          <div className="composer-below-player">
            <div onFocusCapture={jumpToSlide}>
              <Timeline
                slides={form.slides}
                photos={byId}
                defaultSeconds={form.secondsPerPhoto}
                defaultTransition={form.transition}
                errorFor={errorFor}
                onChange={setSlides}
                onTouched={(path) => setTouched((t) => new Set(t).add(path))}
                onMove={move}
              />
            </div>
            <PreviewPanel id={previewId} onClose={() => setPreviewId(null)} />
          </div>
        </div>

        <div className="composer-side">
          <section className="card" aria-labelledby="pick-title">
            <h2 id="pick-title">Photos</h2>
            <p className="muted small">Click a photo to add it; click again to remove it. Only photos that finished processing are shown.</p>
            <ListStatus
              list={photosQ}
              loading="Loading photos…"
              empty={
                <p className="empty">
                  No ready photos yet. <a href="/library" onClick={(e) => (e.preventDefault(), navigate("/library"))}>Upload some in the library.</a>
                </p>
              }
            />
            <ul className="picker" data-testid="picker">
              {photos.map((p) => {
                const pos = form.slides.findIndex((s) => s.photoId === p.id);
                return (
                  <li key={p.id}>
                    <button type="button" aria-pressed={pos >= 0} onClick={() => togglePhoto(p)}>
                      {/* Named by its content (no aria-label), so what is seen is what is heard. */}
                      <span className="visually-hidden">{pos >= 0 ? "Remove " : "Add "}</span>
                      {p.thumbnailUrl ? <img src={stableUrl(`t:${p.id}`, p.thumbnailUrl) ?? undefined} alt={p.caption ?? p.filename} loading="lazy" /> : <span className="muted small">{p.caption ?? p.filename}</span>}
                      {pos >= 0 && (
                        <span className="pick-count">
                          <span className="visually-hidden">, photo </span>
                          {pos + 1}
                        </span>
                      )}
                    </button>
                  </li>
                );
              })}
            </ul>
            <ListMore list={photosQ} label="More photos" />
          </section>

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
          <ComposerEstimates spec={result.ok ? result.spec : null} />
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
                        {TRANSITION_LABEL[t]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {usesTransitions(form) && (
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
            <label className="check field">
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
                <Field label="Subtitle (optional)" error={errorFor("titleCard.subtitle")}>
                  {(p) => <input {...p} type="text" maxLength={80} value={form.titleCardSubtitle} onChange={(e) => set("titleCardSubtitle", e.target.value, "titleCard.subtitle")} />}
                </Field>
                {dateRange && (
                  <button type="button" onClick={() => set("titleCardSubtitle", dateRange, "titleCard.subtitle")}>
                    Use the dates: {dateRange}
                  </button>
                )}
                <Segmented legend="Background" name="titleCardStyle" value={form.titleCardStyle} options={[["plain", "Black"], ["photo", "First photo, blurred"], ["colour", "Colour"]]} onChange={(v) => set("titleCardStyle", v)} />
                {form.titleCardStyle === "colour" && (
                  <Field label="Colour" error={errorFor("titleCard.colour")}>
                    {(p) => <input {...p} type="color" value={form.titleCardColour} onChange={(e) => set("titleCardColour", e.target.value, "titleCard.colour")} />}
                  </Field>
                )}
              </div>
            )}
          </fieldset>

          <fieldset>
            <legend>Captions</legend>
            <label className="check field">
              <input type="checkbox" checked={captionsShown} onChange={(e) => set("captions", e.target.checked ? "on" : "off")} /> Show photo captions at the bottom of each photo
            </label>
            <p className="muted small">
              {captioned === 0 ? "None of the chosen photos has a caption yet; add them in the library." : `${captioned} of ${form.slides.length} photos have a caption.`}
            </p>
          </fieldset>

          <div className={errorFor("music.audioId") ? "field-highlight" : undefined} data-field="music.audioId">
            {errorFor("music.audioId") && (
              <p className="field-error" role="alert">
                {errorFor("music.audioId")}
              </p>
            )}
            <MusicPicker
              audioId={form.musicAudioId}
              fadeOut={form.musicFadeOutSeconds}
              fadeOutError={errorFor("music.fadeOutSeconds")}
              onChange={(id) => set("musicAudioId", id, "music.audioId")}
              onFadeOut={(v) => set("musicFadeOutSeconds", v, "music.fadeOutSeconds")}
              cutOnBeat={form.musicCutOnBeat}
              onCutOnBeat={(on) => set("musicCutOnBeat", on, "music.cutOnBeat")}
            />
          </div>

          <div className="sticky-actions">
            <button type="button" onClick={() => submit("preview")} disabled={preview.isPending}>
              {preview.isPending ? "Starting exact preview…" : "Exact preview"}
            </button>
            <button type="button" className="primary" onClick={() => submit("create")} disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create video"}
            </button>
            <span className="spacer" />
            <button type="button" className="ghost" onClick={() => (setForm(defaultSpecForm()), setTouched(new Set()), setShowAll(false), setServerErrors({}), setServerMessage(null), setNotice(null))}>
              Reset
            </button>
          </div>
        </section>
        </div>
      </div>
    </div>
  );
}
