import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `pnpm dev` runs the API on API_PORT (default 8080) with PUBLIC_URL=http://127.0.0.1:5173 (its dev script), so its
// CSRF origin check, cookies and the bucket's CORS rule all name this server's origin; /trpc is proxied so cookies
// stay first-party.
const apiPort = process.env.API_PORT ?? "8080";
const api = `http://127.0.0.1:${apiPort}`;

export default defineConfig({
  plugins: [react()],
  build: { manifest: true, target: "es2022", sourcemap: false },
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      "/trpc": { target: api },
    },
  },
});
