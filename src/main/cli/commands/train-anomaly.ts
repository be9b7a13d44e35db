/**
 * `hepwb train CONFIG.json` for kinds `ae` and `vae` (issue 8): trains an autoencoder or a VAE
 * on the background samples of an analysis spec or a project (app/anomaly-training.ts, as the
 * window does), scores the signal samples, and prints each
 * signal's AUC beside the best single input variable's; --out writes the model
 * (ml/autoencoder/format.ts) and the full result (`result.json`).
 */
import { readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describeZodError } from '../../../shared/api'
import { AnomalyConfig, type AnomalyResult } from '../../../shared/contract/anomaly'
import { writeAnomalyModel } from '../../engine/ml/autoencoder/format'
import { withModelRunner } from '../../engine/ml/autoencoder/runner'
import { evaluateAnomaly, scoreData } from '../../engine/ml/autoencoder/score'
import { silentContext } from '../../engine/jobs/context'
import { runAnomalyTraining } from '../../engine/app/anomaly-training'
import { UsageError, secondsSince, type GlobalOptions } from '../action'
import { withEventSource } from '../event-source'
import { readConfigObject } from '../training-config'

export interface AnomalyTrainOutput {
  kind: AnomalyConfig['kind']
  metrics: {
    /** Per signal sample: AUC of the anomaly score against the validation background. */
    auc: Record<string, number | null>
    /** The best single input over all signal samples (AUC folded to ≥ 0.5). */
    best_single_variable: { name: string; auc: number | null; direction: string } | null
    val_loss: number | null
  }
  epochs: number
  events: { train: number; validation: number; signal: number }
  warnings: string[]
  seconds: number
  events_per_second: number
  backend: string
  files?: string[]
}

/** Whether the training config in `file` is an anomaly one (kind ae or vae); false if unreadable. */
export function isAnomalyConfig(file: string): boolean {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown }
    return raw.kind === 'ae' || raw.kind === 'vae'
  } catch {
    return false // the classifier path reports the unreadable file
  }
}

function readConfig(file: string): { config: AnomalyConfig; source: string } {
  const { rest, source } = readConfigObject(file, readFileSync(file, 'utf8'))
  const parsed = AnomalyConfig.safeParse(rest)
  if (!parsed.success) throw new UsageError(`${file}: ${describeZodError(parsed.error)}`)
  return { config: parsed.data, source }
}

export async function trainAnomalyCommand(
  file: string,
  options: GlobalOptions & { out?: string },
): Promise<AnomalyTrainOutput> {
  const t0 = performance.now()
  const { config, source } = readConfig(file)
  const ctx = silentContext()
  return withEventSource(source, async ({ source: events }) => {
    const { data, trained, streamed, ...run } = await runAnomalyTraining(events, config, ctx)
    const warnings = [...run.warnings]
    const evaluation = await withModelRunner(trained.model, (run) =>
      evaluateAnomaly(data, scoreData(trained.model, run, data)),
    )
    const best = evaluation.best_single_variable
    let signal = 0
    for (const y of data.y) signal += y
    if (streamed)
      warnings.push(
        `trained streaming from the sample files in ${streamed.chunks} chunks under ${(streamed.budget / 1048576).toFixed(0)} MB; scored on ${streamed.scored} validation background events`,
      )
    const out: AnomalyTrainOutput = {
      kind: config.kind,
      metrics: {
        auc: Object.fromEntries(evaluation.signals.map((v) => [v.name, v.auc])),
        best_single_variable: best && {
          name: best.name,
          auc: best.auc,
          direction: best.direction,
        },
        val_loss: evaluation.val_loss,
      },
      epochs: trained.summary.epochs,
      events: { ...trained.events, signal },
      warnings,
      seconds: secondsSince(t0),
      events_per_second: Math.round(trained.eventsPerSecond),
      backend: trained.backend,
    }
    if (options.out) {
      await mkdir(options.out, { recursive: true })
      const name = config.name || config.kind
      out.files = await writeAnomalyModel(options.out, name, trained.model, config)
      const result: AnomalyResult = {
        config,
        summary: trained.summary,
        evaluation,
        events: {
          ...trained.events,
          signal: Object.fromEntries(
            data.samples.flatMap((smp, si) =>
              smp.role === 'signal'
                ? [[smp.name, data.sample.filter((v, i) => v === si && data.y[i] === 1).length]]
                : [],
            ),
          ),
        },
        warnings: out.warnings,
        backend: trained.backend,
        seconds: out.seconds,
        events_per_second: out.events_per_second,
      }
      const full = join(options.out, 'result.json')
      await writeFile(full, JSON.stringify(result, null, 2) + '\n')
      out.files.push(full)
    }
    return out
  })
}

export function humanAnomaly(r: AnomalyTrainOutput): string {
  const f = (x: number | null, digits = 4) => (x === null ? '–' : x.toFixed(digits))
  const best = r.metrics.best_single_variable
  return [
    ...Object.entries(r.metrics.auc).map(([name, auc]) => `${r.kind}: AUC ${f(auc)} for '${name}'`),
    best
      ? `best single variable: ${best.name} (${best.direction === 'above' ? 'large' : 'small'} values), AUC ${f(best.auc)}`
      : 'best single variable: –',
    `validation loss ${f(r.metrics.val_loss)}; ${r.events.train} training, ${r.events.validation} validation background events, ${r.epochs} epochs`,
    `${r.seconds.toFixed(2)} s, ${r.events_per_second} events/s on ${r.backend}`,
    ...r.warnings.map((w) => `warning: ${w}`),
    ...(r.files ?? []).map((p) => `wrote ${p}`),
  ].join('\n')
}
