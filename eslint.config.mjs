import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

// Layering (DESIGN.md §2) as lint zones: each zone names what its files may not import.
// `no-restricted-imports` matches the import text, so each pattern matches a relative import
// that climbs (one or more '../') to the folder, however deep the importing file sits. A file's
// options come from the last config object that matches it, so each zone is one object that
// carries all of its patterns (`src/main/**` first, then its folders, which are disjoint).
// test/unit/lint/zones.test.ts shows that each zone fails on a violation.
const climbsTo = (prefix, folders) => `^(\\.\\./)+${prefix}(${folders.join('|')})(/|$)`
const forbid = (prefix, folders, message) => ({ regex: climbsTo(prefix, folders), message })

const mainNotRenderer = forbid(
  '(src/)?',
  ['renderer'],
  'main-side code does not import the renderer: renderer → shared ← main.',
)
const inEngine = '(main/)?(engine/)?'
const aboveConcerns = ['store', 'services', 'samples', 'app', 'cluster', 'cli', 'serve', 'host']
// engine/service.ts (the dispatcher) and engine/main.ts (the process).
const engineEntry = {
  regex: '^(\\.\\./)+(engine/)?(service|main)(\\.ts)?$',
  message: 'only the engine process imports its dispatcher.',
}
// Concern folders: what the work is, not where it runs or where it is stored.
const concern = ['io', 'data', 'select', 'features', 'ml', 'stats', 'tune', 'plots']
const concernRules = [
  mainNotRenderer,
  engineEntry,
  forbid(
    inEngine,
    aboveConcerns,
    'a concern folder imports neither store/, services/, samples/ nor anything above them: ' +
      'take the data as arguments (DESIGN.md §2).',
  ),
  {
    // jobs/context.ts is the JobContext port (interface, CancelledError, silentContext).
    regex: '^(\\.\\./)+(main/)?(engine/)?jobs(/(?!context$)|$)',
    message: 'a concern folder takes a JobContext (jobs/context) and knows nothing else of jobs.',
  },
]
const extraRules = {
  io: [forbid(inEngine, ['data', 'ml'], 'io is the bottom layer: it never imports data or ml.')],
  ml: [forbid(inEngine, ['io'], 'ml never reads files: it takes columns (DESIGN.md §2).')],
  stats: [forbid(inEngine, ['io'], 'stats never reads files (DESIGN.md §2).')],
}
// Adapters: app/ is run by services/ and cli/; store/ and samples/ (the project's samples
// over the store) are used by them. None of them imports services/ or cli/.
const adapterRules = [
  mainNotRenderer,
  engineEntry,
  forbid(
    inEngine,
    ['services', 'cli', 'serve', 'host'],
    'services/ and cli/ import this, not the reverse.',
  ),
]

const renderer = 'src/renderer/src'
// Into src/main or src/preload (a folder: '../main' alone is the renderer's own main.ts).
const rendererNotMain = {
  regex: '^(\\.\\./)+(src/)?(main|preload)/',
  message: 'the renderer reaches the engine through api/ only.',
}
const zones = [
  { files: ['src/main/**'], patterns: [mainNotRenderer] },
  ...concern.map((folder) => ({
    files: [`src/main/engine/${folder}/**`],
    patterns: [...concernRules, ...(extraRules[folder] ?? [])],
  })),
  {
    files: ['src/main/engine/app/**', 'src/main/engine/store/**', 'src/main/engine/samples/**'],
    patterns: adapterRules,
  },
  {
    // The shared layer is pure: no Node, no DOM, neither side of the process boundary.
    files: ['src/shared/**'],
    patterns: [
      { group: ['node:*', 'fs', 'path', 'electron'], message: 'src/shared imports no Node.' },
      forbid('', ['main', 'renderer', 'preload'], 'src/shared imports neither main nor renderer.'),
    ],
  },
  { files: ['src/renderer/**'], patterns: [rendererNotMain] },
  {
    // Only api/ talks to the engine; components and views go through the pinia stores.
    files: [`${renderer}/**`],
    ignores: [`${renderer}/api/**`, `${renderer}/stores/**`],
    patterns: [
      rendererNotMain,
      {
        regex: '^(\\.\\.?/)+api(/|$)',
        message: 'only api/ and the stores talk to the engine: call a store action.',
      },
    ],
  },
  {
    files: [`${renderer}/stores/**`],
    patterns: [
      rendererNotMain,
      {
        regex: `${climbsTo('', ['components', 'views'])}|\\.vue$`,
        message: 'stores do not import components or views.',
      },
    ],
  },
].map(({ patterns, ...zone }) => ({
  ...zone,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
}))

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'test-results', 'playwright-report', 'resources'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: [
      'src/main/**',
      'src/preload/**',
      'scripts/**',
      'bin/**',
      'test/**',
      'bench/**',
      '*.mjs',
      '*.mts',
      '*.ts',
    ],
    languageOptions: { globals: globals.node },
  },
  ...zones,
  {
    files: ['src/renderer/src/**'],
    ignores: ['src/renderer/src/api/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'api', message: 'Only api/ uses the preload bridge.' },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'vue/multi-word-component-names': 'off',
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-implied-eval': 'error',
    },
  },
  {
    files: ['bin/**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
)
