import http from "node:http";

/** tRPC over HTTP exactly as the web client speaks it. */
export async function trpcHttp(baseUrl: string, path: string, input: unknown, opts: { method?: "GET" | "POST"; cookie?: string; token?: string } = {}) {
  const method = opts.method ?? "POST";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const query = method === "GET" && input !== null && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "";
  const url = `${baseUrl}/trpc/${path}${query}`;
  // Like tRPC's batch link, a POST always carries a JSON body.
  const init = method === "POST" ? { body: JSON.stringify(input ?? {}) } : {};
  const res = await fetch(url, { method, headers, ...init });
  const body = (await res.json()) as { result?: { data: unknown }; error?: { message: string; data: { code: string; fieldErrors?: Record<string, string[]> } } };
  return { status: res.status, body, headers: res.headers, cookies: res.headers.getSetCookie() };
}

/** A GET's bytes as they cross the wire (fetch would decode a compressed body), with the response's status and headers. */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}
