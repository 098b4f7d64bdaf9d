import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is served by `riskgraph serve` under /console (same origin as /graphql, so the
// API's own authentication applies). Everything is bundled: no CDN, nothing fetched at run time.
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // One bundle of about 780 kB (Cytoscape is most of it), served from the same origin.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run dev -w console` against a local `riskgraph serve` on the default port.
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
});
