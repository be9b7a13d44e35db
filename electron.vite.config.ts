import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    build: {
      // Runtime packages (better-sqlite3, tfjs, jsroot, …) stay in node_modules, not in the bundle.
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          engine: resolve(__dirname, 'src/main/engine/main.ts'),
          cli: resolve(__dirname, 'src/main/cli/main.ts'),
          // A thread of the worker pool (engine/cluster/pool.ts finds it beside the bundle).
          worker: resolve(__dirname, 'src/main/engine/cluster/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [vue()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
  },
})
