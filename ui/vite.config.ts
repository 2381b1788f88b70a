import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// In dev mode Quarkus (Quinoa) starts this server and proxies every path except /api, /ws and /q to it.
// Run on its own (npm run dev), it forwards those to a Warden on localhost:8080.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
  build: {
    outDir: 'dist',
    sourcemap: false,
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
});
