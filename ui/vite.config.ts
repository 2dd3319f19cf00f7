// Vite configuration of the KinBot web UI. CMake runs `vite build --outDir <build>/ui/dist` in a copy of this folder in
// the build tree; `npm run dev` serves the sources and proxies the API to a running kinbot-server (KINBOT_URL, default
// http://127.0.0.1:3000).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const backend = process.env.KINBOT_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    // Hashed file names under /assets/ (served with a long cache); nothing inlined as data: URLs so the CSP stays 'self'.
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    sourcemap: false,
    emptyOutDir: true,
  },
  server: {
    proxy: {
      // Host is rewritten to the backend's (its Host check); the browser's Origin stays http://localhost:5173, so start
      // the server with KINBOT_TRUSTED_ORIGINS=http://localhost:5173 for cookie requests to pass its Origin check.
      '/api': { target: backend, changeOrigin: true },
      '/s/': { target: backend, changeOrigin: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    isolate: false, // pure logic, no globals touched: one worker, faster CI
  },
});
