import { useRef, useState } from "react";
import { ConfirmDialog, Field, ProgressBar } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { formatBytes } from "../lib/format";
import { api, trpc } from "../lib/trpc";
import { guessContentType } from "../lib/upload-plan";
import { xhrSend } from "../lib/xhr";

/** Pick a track from the user's music, or upload one (presigned POST, like photos). */
export function MusicPicker({ audioId, fadeOut, fadeOutError, cutOnBeat, onChange, onFadeOut, onCutOnBeat }: { audioId: string; fadeOut: string; fadeOutError?: string; cutOnBeat: boolean; onChange: (id: string) => void; onFadeOut: (v: string) => void; onCutOnBeat: (on: boolean) => void }) {
  const utils = trpc.useUtils();
  const list = trpc.audio.list.useQuery();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tracks = (list.data ?? []).filter((a): a is NonNullable<typeof a> => Boolean(a) && a!.status === "ready");
  const selected = tracks.find((t) => t.id === audioId);
  const [confirming, setConfirming] = useState(false);
  const del = trpc.audio.delete.useMutation({
    onSuccess: async () => {
      setConfirming(false);
      onChange("");
      await utils.audio.list.invalidate();
    },
  });

  const upload = async (file: File) => {
    setError(null);
    setProgress(0);
    try {
      const { audioId: id, upload } = await api.audio.createUpload.mutate({ filename: file.name, contentType: guessContentType(file.name, file.type), bytes: file.size });
      const form = new FormData();
      for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
      form.append("file", file);
      await xhrSend("POST", upload.url, form, { onProgress: (n) => setProgress(Math.min(100, (n / file.size) * 100)) });
      const done = await api.audio.completeUpload.mutate({ id });
      await utils.audio.list.invalidate();
      if (done?.status === "ready") onChange(id);
      else setError(done?.rejectReason ?? "This file could not be used as music.");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setProgress(null);
      if (input.current) input.current.value = "";
    }
  };

  return (
    <fieldset>
      <legend>Music</legend>
      <Field label="Track" hint={list.isPending ? "Loading your music…" : tracks.length ? undefined : "No music yet: upload an MP3, M4A, WAV or OGG file."}>
        {(p) => (
          <select {...p} value={audioId} onChange={(e) => onChange(e.target.value)}>
            <option value="">No music</option>
            {tracks.map((t) => (
              <option key={t.id} value={t.id}>
                {t.filename} ({formatBytes(t.bytes)})
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="row field">
        <button type="button" onClick={() => input.current?.click()} disabled={progress !== null}>
          {progress !== null ? "Uploading…" : "Upload music…"}
        </button>
        {selected && (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete track
          </button>
        )}
        <input ref={input} type="file" accept="audio/mpeg,audio/mp4,audio/aac,audio/wav,audio/ogg,.mp3,.m4a,.aac,.wav,.ogg" className="visually-hidden" tabIndex={-1} aria-hidden="true" data-testid="music-input" onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} />
      </div>
      {progress !== null && <ProgressBar value={progress} label="Music upload" />}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      {audioId && (
        <Field label="Fade out (seconds)" error={fadeOutError}>
          {(p) => <input {...p} type="number" min={0} max={10} step={0.5} value={fadeOut} onChange={(e) => onFadeOut(e.target.value)} />}
        </Field>
      )}
      {audioId && (
        <label className="check">
          <input type="checkbox" checked={cutOnBeat} onChange={(e) => onCutOnBeat(e.target.checked)} /> Cut on the beat
          {selected?.tempoBpm ? ` (${selected.tempoBpm} BPM)` : selected?.status === "ready" ? " (no steady beat found in this track: cuts stay put)" : ""}
        </label>
      )}
      <ConfirmDialog
        open={confirming}
        title="Delete this track?"
        body={<p>{selected?.filename} is removed from your music for good. Videos you already made keep their sound; one still waiting to render with it will fail.</p>}
        confirmLabel="Delete"
        busy={del.isPending}
        error={del.error ? errorMessage(del.error) : null}
        onCancel={() => (setConfirming(false), del.reset())}
        onConfirm={() => selected && del.mutate({ id: selected.id })}
      />
    </fieldset>
  );
}
