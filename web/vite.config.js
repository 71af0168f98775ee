// Builds the web app into dist/, which `ecoute serve` serves on /.
// `npm run dev` proxies the API to a running `ecoute serve` (ECOUTE_URL,
// default http://127.0.0.1:8080).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 900,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts';
          if (id.includes('node_modules/preact') || id.includes('node_modules/htm')) return 'preact';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { '/api': process.env.ECOUTE_URL || 'http://127.0.0.1:8080' },
  },
});
