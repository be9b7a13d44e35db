import type { EngineInfo } from '../../shared/api'
import { chooseBackend } from './ml/backend'
import { appVersion } from './version'

/** Version, Node version and the ML backend chosen (with why the others were not). */
export async function engineInfo(): Promise<EngineInfo> {
  const choice = await chooseBackend()
  return {
    version: appVersion(),
    node: process.versions.node,
    backend: choice.backend,
    backends: choice.backends,
    pid: process.pid,
  }
}
