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
  },
  server: {
    proxy: { '/api': process.env.SANGKIEN_URL ?? 'http://127.0.0.1:8080' },
  },
});
