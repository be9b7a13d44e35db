/**
 * Guided lessons (issue 14): short fixed-seed exercises on toy sets, each a page with a goal, the
 * one setting that changes between its stages, what to look for, and an explanation; the run is
 * checked against what the page promises. A lesson runs in a playground session, stage after
 * stage, one epoch per step (the window) or all at once (a test, headless): the same numbers.
 */
import type * as TF from '@tensorflow/tfjs'
import {
  type LearnData,
  LearnSettings,
  type LessonInfo,
  type LessonMeasure,
  type LessonProgress,
} from '../../../../shared/contract/learn'
import { finiteOrNull } from '../../../../shared/contract/common'
import { ksTest } from '../evaluate/ks'
import { weightedRoc } from '../evaluate/roc'
import { PlaygroundSession } from './session'
import { evaluate } from './snapshot'
import { toyEvents } from './toy-sets'

type ToyData = Extract<LearnData, { kind: 'toy' }>

interface Stage {
  readonly label: string
  readonly data: Partial<ToyData>
  readonly settings: Partial<LearnSettings>
  readonly epochs: number
}

type StageSummary = LessonProgress['stages'][number]

export interface Lesson extends Omit<LessonInfo, 'stages' | 'measures' | 'engine'> {
  readonly measures: readonly LessonMeasure[]
  /** Data and settings every stage starts from. */
  readonly data: Partial<ToyData>
  readonly settings: Partial<LearnSettings>
  readonly stages: readonly Stage[]
  /** Whether the finished stages show what the page promises, and the numbers that say so. */
  check(stages: readonly StageSummary[]): { passed: boolean; measured: string }
}

const f = (v: number | null, digits = 3) => (v === null ? 'n/a' : v.toFixed(digits))

export const LESSONS: readonly Lesson[] = [
  {
    id: 'overtraining',
    measures: ['trainLoss', 'testLoss', 'minTestLoss', 'ks'],
    title: 'Overtraining: a big network on few events',
    goal: 'See a network learn its training events by heart instead of the pattern behind them.',
    change: 'Number of events: 60 → 2000 (same network of three layers of 16 neurons).',
    lookFor:
      'With 60 events the validation (test) loss reaches its minimum early and then turns up while the training loss keeps falling; the boundary wraps itself around single events, and the Kolmogorov–Smirnov test of the output on training against test events gives a smaller p-value (the two no longer look alike). With 2000 events both losses fall together.',
    explanation:
      'A network with hundreds of weights can describe far more shapes than 30 training events pin down. Gradient descent first finds the broad pattern (both losses fall), then keeps lowering the training loss by bending the boundary around individual events — noise that the test events do not share, so their loss rises again. The epoch of the lowest validation loss is where to stop (early stopping); more events, a smaller network or regularisation (L2) move that point later or remove it. The Kolmogorov–Smirnov test of the output on training against test events is the same check in the Train step.',
    data: { set: 'gaussians', noise: 0.6, events: 60 },
    settings: {
      layers: [16, 16, 16],
      activation: 'relu',
      optimiser: 'adam',
      learningRate: 0.01,
      batchSize: 10,
      seed: 3,
    },
    stages: [
      { label: '60 events', data: {}, settings: {}, epochs: 150 },
      { label: '2000 events', data: { events: 2000 }, settings: {}, epochs: 15 },
    ],
    check: ([few, many]) => {
      const gap = (s: StageSummary) => (s.testLoss ?? Infinity) - (s.trainLoss ?? 0)
      const rise = (few.testLoss ?? Infinity) - (few.minTestLoss ?? Infinity)
      const ks = (s: StageSummary) => Math.min(s.ksSignal ?? 1, s.ksBackground ?? 1)
      const passed = few.bestEpoch < 75 && rise > 0.1 && gap(many) < gap(few) && ks(few) < ks(many)
      return {
        passed,
        measured: `60 events: lowest validation loss ${f(few.minTestLoss)} at epoch ${few.bestEpoch} of 150, ${f(few.testLoss)} at the end (training loss ${f(few.trainLoss)}), KS p ${f(ks(few))}. 2000 events: validation ${f(many.testLoss)}, training ${f(many.trainLoss)}, KS p ${f(ks(many))}.`,
      }
    },
  },
  {
    id: 'learning-rate',
    measures: ['trainLoss', 'testLoss', 'aucTest'],
    title: 'Learning rate: too large, too small',
    goal: 'See what the step size of gradient descent does.',
    change: 'Learning rate: 0.03 → 3 → 0.0003 (plain SGD).',
    lookFor:
      'At 0.03 the loss falls steadily. At 3 it jumps about and ends higher; the boundary flips between steps. At 0.0003 it hardly moves from where it started.',
    explanation:
      'Each step moves every weight by the learning rate times its gradient. Too large a step overshoots the valley of the loss and lands on the other side, higher up — the loss oscillates or grows, and with unbounded activations it can run off to NaN. Too small a step goes the right way but so slowly that after the same number of epochs the network is still near its random start. Adam and momentum adapt the effective step, which is why they are forgiving; with plain SGD the learning rate is the first thing to tune.',
    data: { set: 'circles', noise: 0.1, events: 500 },
    settings: {
      layers: [6, 4],
      activation: 'tanh',
      optimiser: 'sgd',
      learningRate: 0.03,
      batchSize: 10,
      seed: 2,
    },
    stages: [
      { label: 'learning rate 0.03', data: {}, settings: {}, epochs: 40 },
      { label: 'learning rate 3', data: {}, settings: { learningRate: 3 }, epochs: 40 },
      { label: 'learning rate 0.0003', data: {}, settings: { learningRate: 0.0003 }, epochs: 40 },
    ],
    check: ([good, large, small]) => {
      const l = (s: StageSummary) => s.trainLoss ?? Infinity
      const passed = l(large) > l(good) + 0.1 && l(small) > l(good) + 0.1
      return {
        passed,
        measured: `training loss after 40 epochs: ${f(good.trainLoss)} at 0.03, ${f(large.trainLoss)} at 3, ${f(small.trainLoss)} at 0.0003.`,
      }
    },
  },
  {
    id: 'standardisation',
    measures: ['trainLoss', 'testLoss', 'aucTest'],
    title: 'Input standardisation',
    goal: 'See why inputs are shifted and scaled before training.',
    change: 'Standardise inputs: off → on (x₂ is in "GeV": around 100, spread 50).',
    lookFor:
      'Without standardisation the loss falls slowly and is still several times higher after 20 epochs: the boundary is not yet where the two classes meet. With it, the same network and learning rate get there within a few epochs.',
    explanation:
      'A weight’s gradient is proportional to its input. An input of a few hundred gets gradients a hundred times larger than an input of order one, so one learning rate is too large for the first and too small for the second: training zig-zags along the big input and hardly moves along the small one, and tanh neurons fed with large sums saturate (their gradient vanishes). Shifting each input to mean 0 and scaling it to standard deviation 1 (with the training events’ mean and spread, applied to every event alike) makes all directions comparable. The Train step does this by default.',
    data: { set: 'gaussians', noise: 0.2, events: 500, scale: 50, offset: 100 },
    settings: {
      layers: [4],
      activation: 'tanh',
      optimiser: 'sgd',
      learningRate: 0.03,
      batchSize: 10,
      standardise: false,
      seed: 4,
    },
    stages: [
      { label: 'raw inputs', data: {}, settings: {}, epochs: 20 },
      { label: 'standardised', data: {}, settings: { standardise: true }, epochs: 20 },
    ],
    check: ([raw, std]) => {
      const passed = (raw.testLoss ?? Infinity) > (std.testLoss ?? Infinity) + 0.15
      return {
        passed,
        measured: `validation loss after 20 epochs: ${f(raw.testLoss)} raw, ${f(std.testLoss)} standardised (AUC ${f(raw.aucTest)} → ${f(std.aucTest)}).`,
      }
    },
  },
  {
    id: 'linear-vs-hidden',
    measures: ['trainLoss', 'testLoss', 'aucTest'],
    title: 'A linear model against one hidden layer (Δφ, back-to-back)',
    goal: 'See a problem that no straight line can solve, and a hidden layer that can.',
    change: 'Hidden layers: none (a linear model) → one layer of 8 neurons.',
    lookFor:
      'The events are two azimuthal angles; signal is back-to-back (Δφ ≈ π), which puts it in two diagonal bands in the corners. The linear model draws one straight boundary and stays near AUC 0.5; one hidden layer bends it into bands.',
    explanation:
      'A network without hidden layers is logistic regression: its output depends on one weighted sum of the inputs, so its boundary is a straight line. Signal at Δφ = φ₁ − φ₂ ≈ ±π lies in two opposite corners, background everywhere — like XOR, no line does better than chance. Each hidden neuron draws its own line (see its small map); the output combines them, and a few lines are enough to cut out the bands. In an analysis one would give the network Δφ itself as an input — engineering the right variable turns the problem linear again.',
    data: { set: 'backToBack', noise: 0, events: 1000 },
    settings: {
      layers: [],
      activation: 'tanh',
      optimiser: 'adam',
      learningRate: 0.03,
      batchSize: 20,
      seed: 5,
    },
    stages: [
      { label: 'linear', data: {}, settings: {}, epochs: 30 },
      { label: 'one hidden layer of 8', data: {}, settings: { layers: [8] }, epochs: 30 },
    ],
    check: ([linear, hidden]) => {
      const passed =
        (hidden.aucTest ?? 0) > (linear.aucTest ?? 1) + 0.15 && (linear.aucTest ?? 1) < 0.65
      return {
        passed,
        measured: `test AUC: ${f(linear.aucTest)} linear, ${f(hidden.aucTest)} with one hidden layer.`,
      }
    },
  },
  {
    id: 'class-imbalance',
    measures: ['aucTest', 'signalEfficiency'],
    title: 'Class imbalance and event weights',
    goal: 'See what a rare signal does to a classifier, and how event weights fix it.',
    change: 'Event weights: none → classes balanced (signal is 3% of the events).',
    lookFor:
      'Without weights the boundary (output 0.5) hugs the centre of the signal and cuts away a good part of it. With balanced weights it moves out into the background and much more signal passes 0.5, while the AUC — the ordering of events — hardly changes.',
    explanation:
      'The cross entropy averages over events, so with 32 background events per signal event the network lowers the loss most by calling doubtful events background; the output then estimates a signal probability that is small except deep inside the signal, and a cut at 0.5 loses much of it. Weighting signal events up so that both classes carry the same total weight is training on a balanced mixture: the output shifts, but the ranking of events by output (the ROC, the AUC) stays about the same. In an analysis the cut is chosen on the output afterwards (e.g. best S/√B), and physical weights (cross-section × luminosity) are what the final yields use.',
    data: { set: 'gaussians', noise: 1, events: 4000, signalFraction: 0.03 },
    settings: {
      layers: [4],
      activation: 'tanh',
      optimiser: 'adam',
      learningRate: 0.01,
      batchSize: 20,
      seed: 6,
    },
    stages: [
      { label: 'no weights', data: {}, settings: {}, epochs: 8 },
      { label: 'balanced weights', data: {}, settings: { weights: 'balanced' }, epochs: 8 },
    ],
    check: ([plain, balanced]) => {
      const e1 = plain.signalEfficiency ?? 1
      const e2 = balanced.signalEfficiency ?? 0
      const dAuc = Math.abs((plain.aucTest ?? 0) - (balanced.aucTest ?? 1))
      const passed = e2 > e1 + 0.2 && dAuc < 0.05
      return {
        passed,
        measured: `signal passing output > 0.5: ${f(e1, 2)} without weights, ${f(e2, 2)} balanced; test AUC ${f(plain.aucTest)} and ${f(balanced.aucTest)}.`,
      }
    },
  },
  {
    id: 'vanishing-gradients',
    measures: ['trainLoss', 'aucTest', 'gradientRatio'],
    title: 'Vanishing gradients in a deep sigmoid network',
    goal: 'See why deep networks use ReLU rather than sigmoid neurons.',
    change: 'Activation of six hidden layers of 8: sigmoid → ReLU.',
    lookFor:
      'In the gradient chart, with sigmoid neurons the first layer gets gradients thousands of times smaller than the output layer: it hardly learns, and after 20 epochs the network has learned next to nothing. With ReLU the gradient reaches the first layer and the circles are found.',
    explanation:
      'Backpropagation multiplies, layer after layer, by the derivative of each activation. A sigmoid’s derivative is at most 1/4, so after six layers the gradient reaching the first layer is shrunk by a factor of order 4⁶ ≈ 4000 (less when the weights are large, more when neurons saturate): the first layers, which should build the basic shapes, barely move. ReLU has derivative 1 wherever it is active, so the gradient passes through undiminished. This — with better initialisation and normalisation — is what made deep networks trainable. Exploding gradients are the opposite: factors above 1 compound, and the loss jumps or becomes NaN.',
    data: { set: 'circles', noise: 0.1, events: 500 },
    settings: {
      layers: [8, 8, 8, 8, 8, 8],
      activation: 'sigmoid',
      optimiser: 'sgd',
      learningRate: 0.1,
      batchSize: 10,
      seed: 7,
    },
    stages: [
      { label: 'sigmoid', data: {}, settings: {}, epochs: 20 },
      { label: 'ReLU', data: {}, settings: { activation: 'relu' }, epochs: 20 },
    ],
    check: ([sigmoid, relu]) => {
      const r1 = sigmoid.gradientRatio ?? Infinity
      const r2 = relu.gradientRatio ?? 0
      const passed = r1 < 0.05 && r2 > 10 * r1
      return {
        passed,
        measured: `first-layer / output-layer gradient: ${r1.toExponential(1)} with sigmoid, ${r2.toExponential(1)} with ReLU; test AUC ${f(sigmoid.aucTest)} and ${f(relu.aucTest)}.`,
      }
    },
  },
]

/** The playground's lessons as pages (`learn.lessons` adds the study lessons, study-lessons.ts). */
export function lessonInfos(): LessonInfo[] {
  return LESSONS.map((l) => ({
    id: l.id,
    engine: 'playground' as const,
    title: l.title,
    goal: l.goal,
    change: l.change,
    lookFor: l.lookFor,
    explanation: l.explanation,
    stages: l.stages.map((s) => ({ label: s.label, epochs: s.epochs })),
    measures: [...l.measures],
  }))
}

/** A lesson run: its session, the stage and epoch it stands at, the finished stages' numbers. */
export class LessonRun {
  readonly session: PlaygroundSession
  private stage = 0
  private epoch = 0
  private readonly done: StageSummary[] = []
  /** The stage just finished; the next one is loaded at the next step, so its end stays shown. */
  private pending = false
  private verdict: { passed: boolean; measured: string } | null = null

  constructor(
    tf: typeof TF,
    readonly lesson: Lesson,
  ) {
    const { data, settings } = this.stageSetup(0)
    this.session = new PlaygroundSession(tf, toyEvents(data, settings.seed), settings)
  }

  get finished(): boolean {
    return this.verdict !== null
  }

  /** A stage has just ended and the next starts at the next step. */
  get waiting(): boolean {
    return this.pending
  }

  /** Trains one epoch of the current stage; at a stage's end records it and loads the next. */
  epochStep(): void {
    if (this.finished) return
    const s = this.session
    if (this.pending) {
      const { data, settings } = this.stageSetup(this.stage)
      s.load(toyEvents(data, settings.seed), settings)
      this.pending = false
    }
    s.epoch()
    evaluate(s)
    this.epoch++
    const stage = this.lesson.stages[this.stage]
    if (this.epoch < stage.epochs) return
    this.done.push(summarise(s, stage.label))
    if (this.stage + 1 < this.lesson.stages.length) {
      this.stage++
      this.epoch = 0
      this.pending = true
    } else this.verdict = this.lesson.check(this.done)
  }

  /** Every remaining epoch of every stage (headless). */
  runToEnd(): void {
    while (!this.finished) this.epochStep()
  }

  progress(): LessonProgress {
    return {
      id: this.lesson.id,
      stage: this.stage,
      epoch: this.epoch,
      epochs: this.lesson.stages[this.stage].epochs,
      done: this.finished,
      waiting: this.pending,
      stages: this.done,
      verdict: this.verdict,
    }
  }

  private stageSetup(k: number): { data: ToyData; settings: LearnSettings } {
    const stage = this.lesson.stages[k]
    const data = {
      kind: 'toy' as const,
      set: 'gaussians' as const,
      events: 500,
      noise: 0,
      signalFraction: 0.5,
      scale: 1,
      offset: 0,
      ...this.lesson.data,
      ...stage.data,
    }
    // Lessons run one epoch per step whatever the playground's step unit.
    const settings = LearnSettings.parse({
      ...this.lesson.settings,
      ...stage.settings,
      stepUnit: 'epoch',
    })
    return { data, settings }
  }
}

/** The numbers a lesson's check reads, from the session at the end of a stage. */
function summarise(s: PlaygroundSession, label: string): StageSummary {
  const { act } = evaluate(s)
  const { train, test, events } = s.events
  const { y, weight } = events
  const p = act.output
  const h = s.history
  // History entries are one per epoch in a lesson (plus the start when the window drew it).
  let best = 0
  h.test.forEach((v, i) => {
    if (v < h.test[best]) best = i
  })
  const pick = (rows: Int32Array, label: number) => {
    const r = rows.filter((i) => y[i] === label)
    return { v: Array.from(r, (i) => p[i]), w: Array.from(r, (i) => weight[i]) }
  }
  const ks = (label: number) => {
    const a = pick(train, label)
    const b = pick(test, label)
    return finiteOrNull(ksTest(a.v, a.w, b.v, b.w).p)
  }
  let sPass = 0
  let sAll = 0
  for (const i of test)
    if (y[i]) {
      sAll += weight[i]
      if (p[i] > 0.5) sPass += weight[i]
    }
  return {
    label,
    trainLoss: finiteOrNull(h.train.at(-1) ?? NaN),
    testLoss: finiteOrNull(h.test.at(-1) ?? NaN),
    minTestLoss: finiteOrNull(h.test[best]),
    bestEpoch: Math.round(h.epoch[best]),
    aucTest: finiteOrNull(weightedRoc(p, y, weight, test, 3).auc),
    ksSignal: ks(1),
    ksBackground: ks(0),
    signalEfficiency: finiteOrNull(sAll > 0 ? sPass / sAll : NaN),
    gradientRatio: finiteOrNull(
      (s.epochGradientNorms[0] ?? NaN) / (s.epochGradientNorms.at(-1) ?? NaN),
    ),
  }
}
