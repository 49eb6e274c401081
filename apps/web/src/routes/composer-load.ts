import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../lib/errors";
import { trpc } from "../lib/trpc";
import { newSlideKey } from "../lib/video-draft";
import { REOPEN_MODES, reopenVideo, type Reopened, type ReopenMode } from "../lib/video-reopen";

/** The composer address that opens a saved video: `/compose?edit=<id>`, `?duplicate=<id>` or `?fix=<id>`. */
export const reopenPath = (mode: ReopenMode, id: string) => `/compose?${mode}=${encodeURIComponent(id)}`;

/**
 * Opens the video named in the address (see reopenPath) in the composer once: its spec (videos.spec, the owner's
 * only), with photos deleted since left out and, for "fix", the failing field marked. The address goes back to
 * /compose so a reload keeps the user's changes (the draft) instead of reopening the video.
 */
export function useReopenVideo(apply: (r: Reopened) => void): { loading: boolean; error: string | null } {
  const utils = trpc.useUtils();
  const [state, setState] = useState<{ loading: boolean; error: string | null }>({ loading: false, error: null });
  const started = useRef(false);
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const mode = REOPEN_MODES.find((m) => params.get(m));
    if (!mode || started.current) return;
    started.current = true;
    const id = params.get(mode)!;
    setState({ loading: true, error: null });
    void (async () => {
      try {
        const [spec, video, tracks] = await Promise.all([utils.videos.spec.fetch({ id }), utils.videos.get.fetch({ id }), utils.audio.list.fetch()]);
        const ids = [...new Set(spec.slides.map((s) => s.photoId))];
        const found = await Promise.allSettled(ids.map((photoId) => utils.photos.get.fetch({ id: photoId })));
        const ready = new Set(found.flatMap((r, i) => (r.status === "fulfilled" && r.value.status === "ready" ? [ids[i]!] : [])));
        const usableTracks = new Set(tracks.flatMap((t) => (t?.status === "ready" ? [t.id] : [])));
        applyRef.current(
          reopenVideo({
            mode, spec, title: video.title, error: video.error, errorField: video.errorField,
            photoUsable: (p) => ready.has(p), musicUsable: (a) => usableTracks.has(a), newKey: newSlideKey,
          }),
        );
        history.replaceState(null, "", "/compose");
        setState({ loading: false, error: null });
      } catch (e) {
        setState({ loading: false, error: `That video could not be opened: ${errorMessage(e)}` });
      }
    })();
  }, [utils]);
  return state;
}
