// SPDX-License-Identifier: Apache-2.0
// Vite build of the web UI into ui/dist, which the analyzer and the agent serve at `/`. The UI
// imports src/client/browser.ts and src/protocol from the server package (outside this root).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: {
    fs: { allow: ['..'] },
    proxy: {
      '/api': 'http://127.0.0.1:8082',
      '/login': 'http://127.0.0.1:8082',
      '/ws': { target: 'ws://127.0.0.1:8082', ws: true },
    },
  },
});
