import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      // package.json "dependencies" stay external (loaded from node_modules in app.asar);
      // everything under src/ is bundled.
      externalizeDeps: true,
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(__dirname, 'src/main/app/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only `electron`, so it must import no npm
      // package (tests/packaging checks the built file); shared code is bundled in.
      externalizeDeps: true,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
});
