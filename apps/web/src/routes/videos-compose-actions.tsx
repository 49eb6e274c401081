import type { VideoView } from "@photoreel/contracts";
import { useState } from "react";
import { ConfirmDialog } from "../components/ui";
import { navigate } from "../lib/router";
import { loadDraft } from "../lib/video-draft";
import type { ReopenMode } from "../lib/video-reopen";
import { reopenPath } from "./composer-load";

/**
 * "Edit", "Duplicate" and, for a FAILED video, "Fix in composer": each opens the video's spec in the composer (a new
 * video is made from it; this one stays). A video being composed is not thrown away without asking.
 */
export function ComposeActions({ v, title }: { v: VideoView; title: string }) {
  const [asking, setAsking] = useState<ReopenMode | null>(null);
  const open = (mode: ReopenMode) => (loadDraft().slides.length > 0 ? setAsking(mode) : navigate(reopenPath(mode, v.id)));
  return (
    <>
      {v.status === "FAILED" && (
        <button type="button" className="primary" onClick={() => open("fix")}>
          Fix in composer
        </button>
      )}
      <button type="button" onClick={() => open("edit")} aria-label={`Edit “${title}”`}>
        Edit
      </button>
      <button type="button" onClick={() => open("duplicate")} aria-label={`Duplicate “${title}”`}>
        Duplicate
      </button>
      <ConfirmDialog
        open={asking !== null}
        title="Replace the video you are composing?"
        body={<p>The composer holds a video you have not made yet. This puts the photos and settings of “{title}” there instead; “{title}” itself does not change (you make a new video from them).</p>}
        confirmLabel={asking === "duplicate" ? "Replace and duplicate" : asking === "fix" ? "Replace and fix" : "Replace and edit"}
        onCancel={() => setAsking(null)}
        onConfirm={() => asking && navigate(reopenPath(asking, v.id))}
      />
    </>
  );
}
