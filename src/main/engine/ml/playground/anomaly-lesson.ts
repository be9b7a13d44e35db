/**
 * The lesson "why an autoencoder trained on background can miss a signal": the Anomaly step's
 * autoencoder (ml/autoencoder) trained on toy background events that lie near a plane in four
 * inputs, scored on a signal that sits on that plane (stage 1) or off it (stage 2), always beside
 * the best single-variable cut (score.ts's baseline) — the background is the same in both stages.
 */
import { Random } from '../../data/random'
import { silentContext } from '../../jobs/context'
import { AnomalyConfig } from '../../../../shared/contract/anomaly'
import type { StudyFigure, StudyStage } from '../../../../shared/contract/learn'
import { jsRunner } from '../autoencoder/model'
import { evaluateAnomaly, scoreData } from '../autoencoder/score'
import { trainAnomaly } from '../autoencoder/train'
import { PART, type TrainingData } from '../dataset'
import { histogramFigure, numberOf, type StudyLesson } from './study'

const INPUTS = ['x1', 'x2', 'x1 + x2', 'x1 − x2']
const BACKGROUND = 4000
const SIGNAL = 400
const f = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a')

/**
 * Background: x1, x2 ~ N(0, 1); the third and fourth inputs are x1 + x2 and x1 − x2 up to a
 * small noise, so the events fill a 2-D plane in 4-D. Signal `onPlane`: x1 ~ N(1.5, 0.3) with
 * the same relations (a shift along one variable); off the plane: x1, x2 as the background's,
 * the third input shifted by +1 (a broken relation no single input shows clearly).
 */
export function anomalyToyData(onPlane: boolean, seed = 21): TrainingData {
  const rng = new Random(seed)
  const n = BACKGROUND + SIGNAL
  const d = INPUTS.length
  const x = new Float64Array(n * d)
  const y = new Uint8Array(n)
  const part = new Uint8Array(n)
  const noise = () => 0.1 * rng.normal()
  for (let i = 0; i < n; i++) {
    const signal = i >= BACKGROUND
    const x1 = signal && onPlane ? 1.5 + 0.3 * rng.normal() : rng.normal()
    const x2 = rng.normal()
    const shift = signal && !onPlane ? 1 : 0
    x.set([x1, x2, x1 + x2 + noise() + shift, x1 - x2 + noise()], i * d)
    y[i] = signal ? 1 : 0
    // Background: 60% trained on, 40% validation (the ROC's negatives); signal only scored.
    part[i] = signal ? PART.test : rng.uniform() < 0.4 ? PART.validation : PART.train
  }
  return {
    inputs: INPUTS,
    n,
    d,
    x,
    y,
    w: new Float64Array(n).fill(1),
    weight: new Float64Array(n).fill(1),
    part,
    sample: Uint16Array.from(y),
    samples: [
      { name: 'background', role: 'background' },
      { name: 'signal', role: 'signal' },
    ],
  }
}

/** Trains the autoencoder on the background of `data`, scores everything, compares with one cut. */
async function stage(label: string, onPlane: boolean): Promise<StudyStage> {
  const data = anomalyToyData(onPlane)
  const config = AnomalyConfig.parse({
    kind: 'ae',
    inputs: INPUTS,
    options: { encoder: [16], latent: 2, epochs: 25, patience: 0, seed: 5 },
  })
  const trained = await trainAnomaly(data, config, silentContext())
  const { arch, weights } = trained.model
  const losses = scoreData(trained.model, jsRunner(arch, weights), data)
  const ev = evaluateAnomaly(data, losses)
  const best = ev.best_single_variable
  const sig: number[] = []
  const bkg: number[] = []
  for (let i = 0; i < data.n; i++)
    if (data.y[i]) sig.push(i)
    else if (data.part[i] === PART.validation) bkg.push(i)
  const score = (rows: number[]) => rows.map((i) => Math.log10(Math.max(losses.score[i], 1e-6)))
  const scores = [...score(sig), ...score(bkg)].sort((a, b) => a - b)
  const j = best ? INPUTS.indexOf(best.name) : 0
  const column = (rows: number[]) => rows.map((i) => data.x[i * data.d + j])
  const aeRoc = ev.signals[0].roc
  const figures: StudyFigure[] = [
    histogramFigure(
      'ae-score',
      'Autoencoder anomaly score',
      'log₁₀ reconstruction loss',
      score(sig),
      score(bkg),
      [scores[Math.floor(0.002 * scores.length)], scores[Math.ceil(0.998 * (scores.length - 1))]],
    ),
    histogramFigure(
      'single-variable',
      `Best single variable: ${INPUTS[j]}`,
      INPUTS[j],
      column(sig),
      column(bkg),
      [-5, 5],
    ),
    {
      id: 'roc',
      title: 'ROC: autoencoder and the single-variable cut',
      kind: 'curve',
      xLabel: 'background efficiency',
      yLabel: 'signal efficiency',
      groups: [],
      series: [
        {
          name: `autoencoder (AUC ${f(ev.signals[0].auc ?? NaN)})`,
          role: 'model',
          x: aeRoc.eff_b,
          y: aeRoc.eff_s,
        },
        ...(best
          ? [
              {
                name: `${best.name} ${best.direction === 'above' ? '>' : '<'} cut (AUC ${f(best.auc ?? NaN)})`,
                role: 'baseline',
                x: best.roc.eff_b,
                y: best.roc.eff_s,
              },
            ]
          : []),
      ],
    },
  ]
  return {
    label,
    numbers: [
      { name: 'autoencoder AUC', value: ev.signals[0].auc },
      { name: 'best single-variable AUC', value: best?.auc ?? null },
      { name: 'validation loss (background)', value: ev.val_loss },
    ],
    figures,
  }
}

export const ANOMALY_LESSON: StudyLesson = {
  id: 'autoencoder-miss',
  engine: 'autoencoder',
  title: 'Why an autoencoder trained on background can miss a signal',
  goal: 'See what an autoencoder’s anomaly score measures — and why it is always compared with a single-variable cut.',
  change:
    'Where the signal lies: shifted along one input but obeying the background’s relations between the inputs → with the background’s inputs but one relation broken. The background, the autoencoder and its training are the same.',
  lookFor:
    'The background lies near a plane in four inputs (the third and fourth are x1 + x2 and x1 − x2). In stage 1 the signal is a narrow peak at x1 ≈ 1.5, on that plane: its anomaly score looks like the background’s and its ROC is near the diagonal, while one cut on x1 separates it well. In stage 2 the signal looks like background in every single input but is off the plane: now the autoencoder finds it and the best single cut does not.',
  explanation:
    'An autoencoder trained on background learns to squeeze events through a narrow middle (here 2 numbers for 4 inputs) and back: what it reconstructs well is whatever obeys the background’s structure, not whatever is common. A signal that is unusual only in the value of one input but obeys the same relations between inputs passes the bottleneck almost unharmed — a low anomaly score — even where a physicist’s simple cut on that input isolates it; the network has no notion of "rare in x1", only of "off the background’s shape". A signal that breaks a relation is what it catches. So an anomaly score must always be judged beside the best single-variable cut (the Anomaly step shows both ROCs): it adds something only when the signal is strange in how the inputs go together, and a bump in one variable is better found by a cut or a fit in that variable.',
  stages: [
    {
      label: 'signal shifted along x1, on the plane',
      run: () => stage('signal shifted along x1, on the plane', true),
    },
    { label: 'signal off the plane', run: () => stage('signal off the plane', false) },
  ],
  check: ([on, off]) => {
    const ae = (s: StudyStage) => numberOf(s, 'autoencoder AUC')
    const cut = (s: StudyStage) => numberOf(s, 'best single-variable AUC')
    const passed = cut(on) > ae(on) + 0.15 && ae(off) > cut(off) + 0.15
    return {
      passed,
      measured: `signal on the plane: autoencoder AUC ${f(ae(on))}, single cut ${f(cut(on))}; off the plane: autoencoder ${f(ae(off))}, single cut ${f(cut(off))}.`,
    }
  },
}
