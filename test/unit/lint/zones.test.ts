/**
 * The layering zones of eslint.config.mjs (DESIGN.md §2): fixture code linted as if it sat in a
 * folder of src/ (ESLint's Node API, the repository's own config; no file is written).
 */
import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')
const eslint = new ESLint({ cwd: root })

const vue = (script: string): string =>
  `<script setup lang="ts">\n${script}\n</script>\n\n<template>\n  <div />\n</template>\n`

/**
 * The zone messages (no-restricted-imports / -properties) for `code` placed at `file` (in a
 * single-file component's script when `file` is a .vue file).
 */
async function zoneErrors(file: string, code: string): Promise<string[]> {
  const text = file.endsWith('.vue') ? vue(code) : code
  const [result] = await eslint.lintText(text, { filePath: resolve(root, file) })
  return result.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-properties')
    .map((m) => m.message)
}

describe('lint zones', () => {
  it.each([
    ['src/main/engine/stats/x.ts', `import type { Project } from '../store/project'`, /store/],
    ['src/main/engine/ml/inferno/x.ts', `import { getModel } from '../../store/models'`, /store/],
    ['src/main/engine/select/x.ts', `import { fitHandlers } from '../services/fit'`, /store/],
    ['src/main/engine/data/x.ts', `import { JobRunner } from '../jobs/runner'`, /JobContext/],
    [
      'src/main/engine/features/x.ts',
      `import { SampleRegistry } from '../samples/registry'`,
      /samples/,
    ],
    [
      'src/main/engine/io/x.ts',
      `import { EventTable } from '../data/event-table'`,
      /never imports data or ml/,
    ],
    ['src/main/engine/io/x.ts', `import { mlp } from '../ml/mlp'`, /never imports data or ml/],
    [
      'src/main/engine/ml/autoencoder/x.ts',
      `import { readColumns } from '../../io/source'`,
      /ml never reads files/,
    ],
    [
      'src/main/engine/stats/x.ts',
      `import { parsePyhf } from '../io/pyhf'`,
      /stats never reads files/,
    ],
    [
      'src/main/engine/store/x.ts',
      `import type { ServiceEnv } from '../services/env'`,
      /services\/ and cli\//,
    ],
    [
      'src/main/engine/select/x.ts',
      `import { clusterExecutor } from '../cluster/redis-executor'`,
      /store/,
    ],
    ['src/main/engine/data/x.ts', `import { x } from '../../../renderer/src/api'`, /renderer/],
    [
      'src/shared/contract/x.ts',
      `import { x } from '../../main/engine/io/source'`,
      /neither main nor renderer/,
    ],
    ['src/shared/x.ts', `import { readFile } from 'node:fs/promises'`, /no Node/],
    ['src/renderer/src/components/X.vue', `import { api } from '../api/client'`, /store action/],
    ['src/renderer/src/components/fit/X.vue', `import { api } from '../../api'`, /store action/],
    ['src/renderer/src/components/data/x.ts', `import { api } from '../../api'`, /store action/],
    ['src/renderer/src/views/X.vue', `import { hasNativeDialogs } from '../api'`, /store action/],
    ['src/renderer/src/App.vue', `import { api } from './api'`, /store action/],
    ['src/renderer/src/components/X.vue', `window.api?.pickFile({ title: 'x' })`, /preload bridge/],
    [
      'src/renderer/src/stores/x.ts',
      `import { livePoints } from '../components/train/loss-option'`,
      /Stores do not/i,
    ],
    ['src/renderer/src/stores/x.ts', `import Chart from '../views/FitView.vue'`, /Stores do not/i],
    [
      'src/renderer/src/stores/x.ts',
      `import { x } from '../../../main/engine/service'`,
      /api\/ only/,
    ],
  ])('%s: %s is an error', async (file, code, message) => {
    const errors = await zoneErrors(file, code)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(message)
  })

  it.each([
    ['src/main/engine/stats/x.ts', `import type { JobContext } from '../jobs/context'`],
    ['src/main/engine/ml/inferno/x.ts', `import { silentContext } from '../../jobs/context'`],
    ['src/main/engine/io/x.ts', `import type { Column } from '../../../shared/column'`],
    ['src/main/engine/io/x.ts', `import { parseWorkspace } from '../stats/workspace'`],
    ['src/main/engine/data/x.ts', `import { readColumns } from '../io/source'`],
    ['src/main/engine/ml/x.ts', `import { readEntryRange } from '../data/entry-range'`],
    ['src/main/engine/ml/x.ts', `import type { Spec } from '../../../shared/contract/samples'`],
    ['src/main/engine/services/x.ts', `import { Project } from '../store/project'`],
    ['src/main/engine/samples/x.ts', `import { listSamples } from '../store/samples'`],
    ['src/renderer/src/stores/x.ts', `import { api } from '../api'`],
    ['src/renderer/src/api/x.ts', `export const bridge = window.api`],
    ['src/renderer/src/components/X.vue', `import { useFitStore } from '../stores/fit'`],
    ['src/renderer/src/components/X.vue', `import { router } from '../main'`],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await zoneErrors(file, code)).toEqual([])
  })
})
