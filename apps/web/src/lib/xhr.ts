/** XMLHttpRequest as a promise: fetch cannot report upload progress. */
export interface XhrResult {
  status: number;
  etag: string | null;
  body: string;
}

export class XhrError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly aborted = false,
  ) {
    super(message);
    this.name = "XhrError";
  }
}

export function xhrSend(method: "POST" | "PUT", url: string, body: XMLHttpRequestBodyInit, opts: { onProgress?: (loaded: number) => void; signal?: AbortSignal } = {}): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open(method, url);
    x.upload.onprogress = (e) => opts.onProgress?.(e.loaded);
    x.onload = () => {
      if (x.status >= 200 && x.status < 300) resolve({ status: x.status, etag: x.getResponseHeader("ETag"), body: x.responseText });
      else reject(new XhrError(storageMessage(x.status, x.responseText), x.status));
    };
    x.onerror = () => reject(new XhrError("The connection dropped", 0));
    x.ontimeout = () => reject(new XhrError("The upload timed out", 0));
    x.onabort = () => reject(new XhrError("Canceled", 0, true));
    if (opts.signal) {
      if (opts.signal.aborted) return x.abort();
      opts.signal.addEventListener("abort", () => x.abort(), { once: true });
    }
    x.send(body);
  });
}

function storageMessage(status: number, body: string): string {
  if (status === 403 && /expired/i.test(body)) return "The upload link expired";
  if (status === 400 && /EntityTooLarge/i.test(body)) return "The file is larger than allowed";
  if (status >= 500) return "Storage is briefly unavailable";
  return `Storage answered ${status}`;
}
