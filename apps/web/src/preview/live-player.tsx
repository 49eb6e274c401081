import { outputSize, type PhotoView, type VideoSpec } from "@photoreel/contracts";
import { musicGain, planTimeline, slideShownFrame } from "@photoreel/timeline";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { stableUrl } from "../lib/stable-url";
import { trpc } from "../lib/trpc";
import { FrameDrawer, withFocalPoints } from "./draw-frame";
import { cachedPhoto, loadPhoto } from "./photo-cache";
import { clampFrame, formatTime, playheadAt, previewSize, trackTime } from "./playhead";
import "../styles/composer-preview.css";

/** Previews fetched and decoded at once. */
const PARALLEL_LOADS = 3;

/** What the bench and the end-to-end spec read and drive (window.__photoreelPreview). */
export interface PreviewHook {
  seek(seconds: number): void;
  seekFrame(frame: number): void;
  play(): void;
  pause(): void;
  state(): { frame: number; totalFrames: number; fps: number; width: number; height: number; playing: boolean; ready: boolean };
  /** Frames drawn and frames of the timeline skipped while playing, and rAF callbacks seen, since the last reset. */
  stats(reset?: boolean): { drawn: number; skipped: number; rafs: number };
  /** The spec on screen (the bench renders the same one on the server side to compare frames). */
  spec(): VideoSpec | null;
  /** performance.now() when the first frame with all its photos was drawn (null until then). */
  firstFrameAt: number | null;
}
declare global {
  interface Window {
    __photoreelPreview?: PreviewHook;
  }
}

/**
 * The composer's live preview: plays the spec as it is edited, drawn on a 2D canvas from the photos' 1600-px previews
 * with the timeline module's numbers (FrameDrawer). The server-rendered "exact preview" stays for a frame-exact check.
 */
export function LivePlayer({ spec, photos, jumpTo, musicUrl }: { spec: VideoSpec | null; photos: Map<string, PhotoView>; jumpTo?: { slide: number; n: number } | null; musicUrl?: string | null }) {
  // An invalid edit (a half-typed number) keeps the last valid spec on screen rather than blanking the player.
  // The composer validates on every render, so the same spec arrives as a new object: key it by its content, or
  // every keystroke anywhere would rebuild the fitted photo canvases.
  const specKey = spec ? JSON.stringify(spec) : null;
  const lastValid = useRef<VideoSpec | null>(null);
  // Each slide gets its photo's focal point, as the API stamps it at create time, so cover crops and Ken Burns end
  // where the render's will. Keyed by content too: a photo list refetch must not rebuild the canvases.
  const focalKey = spec ? JSON.stringify(spec.slides.map((s) => photos.get(s.photoId)?.focal ?? null)) : null;
  const current = useMemo(() => spec && withFocalPoints(spec, photos), [specKey, focalKey]); // keyed by content, not identity
  if (current) lastValid.current = current;
  const shown = current ?? lastValid.current;
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const [box, setBox] = useState({ width: 640, dpr: 1 });
  const [frame, setFrame] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [loop, setLoop] = useState(false);
  const [loadedTick, setLoadedTick] = useState(0);
  const utils = trpc.useUtils();
  const frameRef = useRef(0);
  const clock = useRef({ startFrame: 0, startedAt: 0 });
  const stats = useRef({ drawn: 0, skipped: 0, rafs: 0, lastDrawn: -1 });
  const firstFrameAt = useRef<number | null>(null);

  const output = shown ? outputSize(shown.aspect, shown.resolution) : { width: 1920, height: 1080 };
  const size = previewSize(output, box.width, box.dpr);
  const drawer = useMemo(() => {
    if (!shown) return null;
    const plan = planTimeline(shown, { width: size.width, height: size.height, fps: shown.fps });
    return new FrameDrawer(shown, plan, cachedPhoto);
  }, [shown, size.width, size.height]);
  const total = drawer?.plan.totalFrames ?? 0;
  const fps = shown?.fps ?? 30;

  // Decode each slide's preview once. The photos of the frame on screen come first, alone and at high fetch priority
  // (the first frame waits for nothing else: not behind twenty downloads and decodes sharing two cores), then the
  // rest in slide order, a few at a time. A photo arriving redraws the frame; until then its slide is grey. A layout
  // effect, so the downloads start before the page paints rather than after.
  const firstNeeds = drawer ? drawer.photosFor(clampFrame(frameRef.current, drawer.plan.totalFrames)).join() : "";
  useLayoutEffect(() => {
    if (!shown) return;
    let live = true;
    const load = async (id: string, priority: "high" | "auto") => {
      const p = photos.get(id);
      const url = p && stableUrl(`p:${p.id}`, p.previewUrl ?? p.thumbnailUrl);
      if (!url) return;
      let loaded = await loadPhoto(id, url, priority);
      // A preview that does not load has most likely outlived its link (the photo list was loaded long ago, and links
      // last 15 minutes): the photo is fetched again, once, for a freshly signed one.
      if (!loaded && live) {
        const again = await utils.photos.get.fetch({ id }, { staleTime: 0 }).catch(() => null);
        const fresh = again?.previewUrl ?? again?.thumbnailUrl;
        if (fresh) loaded = await loadPhoto(id, fresh, priority);
      }
      if (loaded && live) setLoadedTick((n) => n + 1);
    };
    const first = firstNeeds ? firstNeeds.split(",").filter((id) => !cachedPhoto(id)) : [];
    const queue = [...new Set(shown.slides.map((s) => s.photoId))].filter((id) => !cachedPhoto(id) && !first.includes(id));
    const next = async (): Promise<void> => {
      const id = queue.shift();
      if (id === undefined || !live) return;
      await load(id, "auto");
      return next();
    };
    void Promise.all(first.map((id) => load(id, "high"))).then(() => {
      for (let k = 0; k < PARALLEL_LOADS; k++) void next();
    });
    return () => void (live = false);
  }, [shown, photos, firstNeeds, utils]);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ro = new ResizeObserver(([entry]) => {
      const width = entry?.contentRect.width ?? 0;
      if (width > 0) setBox({ width, dpr: window.devicePixelRatio || 1 });
    });
    ro.observe(canvas);
    return () => ro.disconnect();
  }, []);

  const draw = useCallback(
    (f: number, fast = false) => {
      const canvas = canvasRef.current;
      if (!canvas || !drawer) return;
      if (canvas.width !== size.width || canvas.height !== size.height) {
        canvas.width = size.width;
        canvas.height = size.height;
      }
      const ctx = canvas.getContext("2d", { alpha: false });
      if (!ctx) return;
      drawer.draw(ctx, f, fast);
      frameRef.current = f;
      stats.current.drawn++;
      if (firstFrameAt.current === null && drawer.ready(f)) {
        firstFrameAt.current = performance.now();
        performance.mark("preview-first-frame");
      }
    },
    [drawer, size.width, size.height],
  );

  // Redraw when the spec, the size or a photo changes (clamped: the video may have become shorter).
  useEffect(() => {
    const f = clampFrame(frameRef.current, total);
    draw(f);
    setFrame(f);
  }, [drawer, draw, total, loadedTick]);

  const seekFrame = useCallback(
    (f: number) => {
      const c = clampFrame(f, total);
      clock.current = { startFrame: c, startedAt: performance.now() };
      draw(c);
      setFrame(c);
      const audio = audioRef.current;
      if (audio && musicUrl) audio.currentTime = trackTime(c / fps, audio.duration);
    },
    [draw, total, fps, musicUrl],
  );

  // Playback: each animation frame works out the timeline frame due now and draws it if it is a new one.
  useEffect(() => {
    if (!playing || !drawer) return;
    const audio = audioRef.current;
    clock.current = { startFrame: frameRef.current >= total - 1 ? 0 : frameRef.current, startedAt: performance.now() };
    stats.current.lastDrawn = clock.current.startFrame - 1;
    if (audio && musicUrl) {
      audio.currentTime = trackTime(clock.current.startFrame / fps, audio.duration);
      audio.loop = true;
      void audio.play().catch(() => undefined);
    }
    let raf = 0;
    const tick = (now: number) => {
      stats.current.rafs++;
      const { frame: f, ended } = playheadAt(clock.current.startFrame, clock.current.startedAt, now, fps, total, loop);
      if (f !== stats.current.lastDrawn) {
        const gap = f - stats.current.lastDrawn - 1;
        if (gap > 0) stats.current.skipped += gap;
        stats.current.lastDrawn = f;
        draw(f, true);
        setFrame(f);
      }
      if (audio && musicUrl && shown) {
        const t = f / fps;
        audio.volume = musicGain(t, total / fps, shown.music?.fadeOutSeconds ?? 0);
        const want = trackTime(t, audio.duration);
        if (Math.abs(audio.currentTime - want) > 0.25) audio.currentTime = want;
      }
      if (ended) {
        draw(f);
        setPlaying(false);
      }
      else raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(raf);
      audio?.pause();
      // The paused frame, drawn sharp.
      draw(frameRef.current);
    };
  }, [playing, drawer, draw, total, fps, loop, musicUrl, shown]);

  // Editing a slide in the order list shows that slide.
  useEffect(() => {
    if (!jumpTo || !drawer || jumpTo.slide >= drawer.plan.slides.length) return;
    seekFrame(slideShownFrame(drawer.plan, jumpTo.slide));
  }, [jumpTo]); // only a new jump request moves the playhead, not a new seekFrame

  useEffect(() => {
    window.__photoreelPreview = {
      seek: (s) => seekFrame(Math.round(s * fps)),
      seekFrame,
      play: () => setPlaying(true),
      pause: () => setPlaying(false),
      state: () => ({ frame: frameRef.current, totalFrames: total, fps, width: size.width, height: size.height, playing, ready: Boolean(drawer?.ready(frameRef.current)) }),
      spec: () => shown,
      stats: (reset) => {
        const { drawn, skipped, rafs } = stats.current;
        if (reset) Object.assign(stats.current, { drawn: 0, skipped: 0, rafs: 0 });
        return { drawn, skipped, rafs };
      },
      get firstFrameAt() {
        return firstFrameAt.current;
      },
    };
  }, [seekFrame, fps, total, size.width, size.height, playing, drawer, shown]);
  useEffect(() => () => void delete window.__photoreelPreview, []);

  const step = (d: number) => {
    setPlaying(false);
    seekFrame(frameRef.current + d);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (t instanceof HTMLInputElement && t.type === "range") return; // the slider steps one frame by itself
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      e.preventDefault();
      step(e.key === "ArrowLeft" ? -1 : 1);
    } else if ((e.key === "Home" || e.key === "End") && t === canvasRef.current) {
      e.preventDefault();
      setPlaying(false);
      seekFrame(e.key === "Home" ? 0 : total - 1);
    } else if ((e.key === " " || e.key === "k") && t === canvasRef.current) {
      e.preventDefault();
      setPlaying((p) => !p);
    }
  };

  const time = `${formatTime(frame, fps)} / ${formatTime(total, fps)}`;
  return (
    <section className="card live-preview" aria-labelledby="live-title" data-testid="live-preview" onKeyDown={onKeyDown}>
      <div className="live-head">
        <h2 id="live-title">Preview</h2>
        <span className="muted small" aria-live="polite">
          {!shown ? "Pick photos to see the video here." : spec ? "" : "Showing the last valid settings: fix the highlighted field."}
        </span>
      </div>
      <div className="live-stage">
        <canvas
          style={{ aspectRatio: `${output.width} / ${output.height}`, width: `min(100%, calc(var(--live-max-h) * ${(output.width / output.height).toFixed(4)}))` }}
          ref={canvasRef}
          tabIndex={0}
          role="img"
          aria-label={`Live preview at ${formatTime(frame, fps)}. Space plays or pauses, the arrow keys step one frame, Home and End go to the start and the end.`}
          data-testid="live-canvas"
        />
      </div>
      <div className="live-controls">
        <button type="button" className="icon-btn" onClick={() => setPlaying((p) => !p)} disabled={!shown} aria-label={playing ? "Pause" : "Play"} data-testid="live-play">
          <span aria-hidden="true">{playing ? "❚❚" : "▶"}</span>
        </button>
        <button type="button" className="icon-btn" onClick={() => step(-1)} disabled={!shown} aria-label="Previous frame">
          <span aria-hidden="true">◀|</span>
        </button>
        <button type="button" className="icon-btn" onClick={() => step(1)} disabled={!shown} aria-label="Next frame">
          <span aria-hidden="true">|▶</span>
        </button>
        <input
          type="range"
          className="live-scrub"
          aria-label="Position"
          aria-valuetext={time}
          min={0}
          max={Math.max(0, total - 1)}
          step={1}
          value={frame}
          disabled={!shown}
          onChange={(e) => (setPlaying(false), seekFrame(Number(e.target.value)))}
          data-testid="live-scrub"
        />
        <span className="live-time" data-testid="live-time">
          {time}
        </span>
        <label className="check">
          <input type="checkbox" checked={loop} onChange={(e) => setLoop(e.target.checked)} /> Loop
        </label>
      </div>
      {musicUrl && <audio ref={audioRef} src={musicUrl} preload="auto" />}
    </section>
  );
}
