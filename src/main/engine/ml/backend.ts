/**
 * TensorFlow.js backend choice. Order (DESIGN.md §4): tensorflow-gpu (tfjs-node-gpu, CUDA),
 * tensorflow (tfjs-node), wasm, cpu. The two native ones are optional dependencies whose install
 * downloads libtensorflow; where that failed they are simply absent and we say why.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type * as TF from '@tensorflow/tfjs'
import type { BackendName, BackendProbe } from '../../../shared/api'

const requireHere = createRequire(__filename)

export interface BackendChoice {
  tf: typeof TF
  backend: BackendName
  backends: BackendProbe[]
}

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  return text.split('\n')[0]
}

async function tryNative(pkg: string): Promise<typeof TF> {
  // tfjs-node(-gpu) re-exports tfjs and registers the 'tensorflow' backend on import.
  const tf = requireHere(pkg) as typeof TF
  if (!(await tf.setBackend('tensorflow')))
    throw new Error(`${pkg} loaded but its backend did not start`)
  return tf
}

async function tryWasm(): Promise<typeof TF> {
  const tf = requireHere('@tensorflow/tfjs') as typeof TF
  const wasm = requireHere(
    '@tensorflow/tfjs-backend-wasm',
  ) as typeof import('@tensorflow/tfjs-backend-wasm')
  const dist = dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm'))
  wasm.setWasmPaths(join(dist, '/'))
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise')
  await tf.ready()
  return tf
}

async function tryCpu(): Promise<typeof TF> {
  const tf = requireHere('@tensorflow/tfjs') as typeof TF
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise')
  return tf
}

const attempts: [BackendName, () => Promise<typeof TF>][] = [
  ['tensorflow-gpu', () => tryNative('@tensorflow/tfjs-node-gpu')],
  ['tensorflow', () => tryNative('@tensorflow/tfjs-node')],
  ['wasm', tryWasm],
  ['cpu', tryCpu],
]

let chosen: Promise<BackendChoice> | undefined

/**
 * Probes every backend in order and keeps the first that works (once per process).
 * `prefer` (env HEPWB_BACKEND) skips the ones before it, e.g. to force 'cpu' in a test.
 */
export function chooseBackend(
  prefer: BackendName | undefined = envBackend(),
): Promise<BackendChoice> {
  chosen ??= (async () => {
    const backends: BackendProbe[] = []
    let picked: { tf: typeof TF; backend: BackendName } | undefined
    const start = prefer ? attempts.findIndex(([n]) => n === prefer) : 0
    for (const [i, [name, attempt]] of attempts.entries()) {
      if (i < start) {
        backends.push({ name, available: false, error: `skipped: HEPWB_BACKEND=${prefer}` })
        continue
      }
      try {
        // A later backend is probed for availability but not activated once one was chosen.
        if (picked) {
          backends.push({
            name,
            available: name === 'wasm' || name === 'cpu' ? true : await probeOnly(name),
          })
          continue
        }
        const tf = await attempt()
        picked = { tf, backend: name }
        backends.push({ name, available: true })
      } catch (e) {
        backends.push({ name, available: false, error: message(e) })
      }
    }
    if (!picked) throw new Error('no TensorFlow.js backend could start')
    // Production mode: no debug checks, and no console banners from the JS backends.
    picked.tf.enableProdMode()
    return { ...picked, backends }
  })()
  return chosen
}

async function probeOnly(name: BackendName): Promise<boolean> {
  const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node'
  try {
    requireHere.resolve(pkg)
    return true
  } catch {
    return false
  }
}

function envBackend(): BackendName | undefined {
  const v = process.env.HEPWB_BACKEND
  return v === 'tensorflow-gpu' || v === 'tensorflow' || v === 'wasm' || v === 'cpu' ? v : undefined
}
