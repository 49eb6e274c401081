import { useEffect, useId, useRef, useState } from "react";
import { ErrorAlert, InlineField } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { formatDateTime } from "../lib/format";
import { trpc } from "../lib/trpc";

/** The system share sheet where the browser has one and the device is a phone or tablet; elsewhere "Copy link". */
function canShareNatively(): boolean {
  return typeof navigator.share === "function" && matchMedia("(pointer: coarse)").matches;
}

/**
 * A video's share links: make one (with its expiry), share or copy it, and see and revoke the ones made before.
 * A link is shown in full only when it is made: the server keeps its token's hash, not the token.
 */
export function ShareLinks({ id, title, heading = true }: { id: string; title: string; heading?: boolean }) {
  const utils = trpc.useUtils();
  const [hours, setHours] = useState(24);
  const [copied, setCopied] = useState(false);
  const links = trpc.videos.listShares.useQuery({ id });
  const share = trpc.videos.share.useMutation({ onSuccess: () => void utils.videos.listShares.invalidate({ id }) });
  const revoke = trpc.videos.revokeShare.useMutation({
    onSuccess: (r) => {
      if (r.id === share.data?.id) share.reset();
      void utils.videos.listShares.invalidate({ id });
    },
  });
  const input = useRef<HTMLInputElement>(null);
  const headingId = useId();
  const native = canShareNatively();
  useEffect(() => setCopied(false), [share.data]);
  const created = share.data ?? null;

  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // Clipboard API refused (insecure context): select the text so Ctrl+C works.
      input.current?.select();
      document.execCommand?.("copy");
    }
    setCopied(true);
  };
  const shareNatively = async (url: string) => {
    try {
      await navigator.share({ title, url });
    } catch (e) {
      // Dismissing the sheet is an AbortError; anything else: fall back to copying.
      if ((e as Error).name !== "AbortError") await copy(url);
    }
  };

  return (
    <section className="share" aria-labelledby={heading ? headingId : undefined} aria-label={heading ? undefined : "Share links"}>
      {heading && <h2 id={headingId}>Share</h2>}
      <div className="row">
        <InlineField label="Link valid for">
          {(p) => (
            <select id={p.id} value={hours} onChange={(e) => setHours(Number(e.target.value))}>
              <option value={1}>1 hour</option>
              <option value={24}>1 day</option>
              <option value={72}>3 days</option>
              <option value={168}>7 days</option>
            </select>
          )}
        </InlineField>
        <button type="button" onClick={() => share.mutate({ id, expiresInHours: hours })} disabled={share.isPending}>
          {created ? "New link" : "Create link"}
        </button>
      </div>
      <ErrorAlert message={share.error ? errorMessage(share.error) : null} />
      {created && (
        <>
          <div className="copy-row">
            <label htmlFor={`share-url-${id}`} className="visually-hidden">
              Share link
            </label>
            <input ref={input} id={`share-url-${id}`} type="url" readOnly value={created.url} onFocus={(e) => e.target.select()} data-testid="share-url" />
            {native ? (
              <button type="button" className="primary" onClick={() => void shareNatively(created.url)}>
                Share…
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => void copy(created.url)}>
                {copied ? "Copied" : "Copy"}
              </button>
            )}
          </div>
          <p className="note" role="status">
            Anyone with this link can watch and download the video until {formatDateTime(created.expiresAt)}.
          </p>
        </>
      )}
      <ErrorAlert message={links.error ? errorMessage(links.error) : revoke.error ? errorMessage(revoke.error) : null} />
      {links.data && links.data.length > 0 && (
        <div className="share-links">
          <h3>Links you made</h3>
          <ul data-testid="share-links">
            {links.data.map((l) => (
              <li key={l.id} data-testid="share-link" data-expired={l.expired || undefined}>
                <span>
                  Made {formatDateTime(l.createdAt)} · {l.expired ? <strong>expired</strong> : "works until"} {formatDateTime(l.expiresAt)}
                  {l.id === created?.id && " · the link above"}
                </span>
                {!l.expired && (
                  <button type="button" className="danger" onClick={() => revoke.mutate({ shareId: l.id })} disabled={revoke.isPending} aria-label={`Revoke the link made ${formatDateTime(l.createdAt)}`}>
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
          <p className="note">A revoked link stops working at once and says it was turned off.</p>
        </div>
      )}
    </section>
  );
}
