/**
 * Pause / step / resume / re-tune of a running training job (issue 14; contract/gate.ts): the
 * job runner's gate, for every job started pausable (classifier, autoencoder, VAE, INFERNO,
 * tuning trials).
 */
import type { GateMethodName } from '../../../shared/contract/gate'
import type { Handlers, ServiceEnv } from './env'

export function gateHandlers(env: ServiceEnv): Handlers<GateMethodName> {
  return {
    'jobs.pause': ({ jobId }) => env.jobs.pause(jobId),
    'jobs.resume': ({ jobId }) => env.jobs.resume(jobId),
    'jobs.step': ({ jobId, unit }) => env.jobs.step(jobId, unit),
    'jobs.set': ({ jobId, name, value }) => env.jobs.set(jobId, name, value),
    'jobs.gate': ({ jobId }) => env.jobs.gateState(jobId),
  }
}
