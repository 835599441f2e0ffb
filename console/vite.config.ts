import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The bundle is committed and embedded in the gateway: hashed file names under assets/,
// no CDN, and a dev server that forwards /api to a running `sangkien --demo`.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    // CommonJS dependencies (React) wrapped the same way every time, so two builds of the
    // same sources give the same bytes (the bundle is committed and compared in CI).
    commonjsOptions: { strictRequires: true },
  },
  server: {
    proxy: { '/api': process.env.SANGKIEN_URL ?? 'http://127.0.0.1:8080' },
  },
});
