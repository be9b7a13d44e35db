/** How a host answers one client request, the same for every transport (WebSocket, IPC). */
import {
  type ErrorInfo,
  type HostMethodName,
  type Result,
  isHostMethod,
  parseRequest,
} from '../../shared/api'
import { EngineCallError, type EngineSupervisor } from './supervisor'

export type Answer =
  | { id: number | null; ok: true; result: unknown }
  | { id: number | null; ok: false; error: ErrorInfo }

async function callHostMethod<M extends HostMethodName>(
  supervisor: EngineSupervisor,
  method: M,
): Promise<Result<M>> {
  if (method === 'engine.status') return supervisor.engineStatus() as Result<M>
  await supervisor.restart()
  return null as Result<M>
}

/**
 * Validates a raw request from a client and answers it: host methods here, the rest by the
 * engine. Never throws; a malformed request gets an 'invalid' error.
 */
export async function answer(supervisor: EngineSupervisor, raw: unknown): Promise<Answer> {
  const parsed = parseRequest(raw)
  if (!parsed.ok)
    return { id: parsed.id, ok: false, error: { code: 'invalid', message: parsed.message } }
  const { id, method, params } = parsed.request
  try {
    const result = isHostMethod(method)
      ? await callHostMethod(supervisor, method)
      : method === 'jobs.cancel'
        ? await supervisor.cancelJob((params as { jobId: string }).jobId)
        : await supervisor.request(method, params)
    return { id, ok: true, result }
  } catch (e) {
    if (e instanceof EngineCallError) return { id, ok: false, error: e.info }
    return {
      id,
      ok: false,
      error: { code: 'failed', message: e instanceof Error ? e.message : String(e) },
    }
  }
}
