/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const API = process.env.PEEL_API ?? 'http://127.0.0.1:7777';

// In development Vite serves the UI and proxies the API to the Peel server; in production the
// server serves `dist/` itself. The server refuses state-changing requests from another origin,
// so the proxy presents the dev page's requests as the server's own (dev only).
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': {
        target: API,
        changeOrigin: true,
        headers: { origin: API },
        // The Run page's terminal is a websocket (/api/docker/runs/:id/attach).
        ws: true,
      },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  // allowOnly: false — a stray `.only` fails the run instead of silently skipping the rest.
  test: { environment: 'node', include: ['src/**/*.test.ts'], allowOnly: false },
});
