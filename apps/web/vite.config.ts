import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

// In development the Fastify server runs separately; the proxy keeps the app same-origin so the
// session cookie and the realtime websocket behave exactly as in production.
const server = 'http://127.0.0.1:3000';

// Vite answers a 500 with an empty body when the server is down; a 502 is what a production
// gateway would say, and what the web app reports as "server unreachable" rather than a server bug.
const reportServerDown: ProxyOptions['configure'] = (proxy) => {
  proxy.on('error', (_error, _request, response) => {
    if ('writeHead' in response && !response.headersSent) response.writeHead(502).end();
  });
};

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: server, ws: true, configure: reportServerDown },
      '/healthz': { target: server, configure: reportServerDown },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      output: {
        // Libraries change far less often than the app: separate chunks stay cached across releases.
        manualChunks(id) {
          if (!id.includes('/node_modules/')) return undefined;
          if (id.includes('/@mantine/')) return 'mantine';
          if (id.includes('/zod/')) return 'zod';
          if (/\/(i18next|react-i18next|i18next-browser-languagedetector)\//.test(id)) return 'i18n';
          return 'vendor';
        },
      },
    },
  },
});
