/**
 * The Learn step (issue 14): a TensorFlow-Playground-like session on a toy set or on two (or
 * more, through a 2-D slice) inputs of the project's samples, stepped one batch or one epoch at a
 * time by the window; and guided lessons run in such a session.
 *
 * A session lives in the engine (the network, its optimiser, the events); every call answers with
 * a snapshot (maps, curves, weights), so the window draws what the engine holds and training only
 * advances when the window asks (play is a paced loop of `learn.step` calls).
 */
import { z } from 'zod'
import { FiniteOrNull, type MethodSpec } from './common'
import { Activation } from './train'

export const ToySet = z.enum(['gaussians', 'circles', 'xor', 'spirals', 'backToBack'])
export type ToySet = z.infer<typeof ToySet>

export const LearnData = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('toy'),
      set: ToySet.default('gaussians'),
      /** Number of events (signal + background). */
      events: z.number().int().min(20).max(100_000).default(500),
      /** 0 … 1: how much the classes overlap (TF Playground's noise, 0 … 50%, as a fraction). */
      noise: z.number().min(0).max(1).default(0),
      /** Fraction of the events that are signal (class imbalance below 0.5). */
      signalFraction: z.number().min(0.01).max(0.99).default(0.5),
      /**
       * The second input in other units: x₂ → scale·x₂ + offset (e.g. 50, 100: "a mass in GeV"),
       * for the standardisation lesson.
       */
      scale: z.number().min(1e-3).max(1e4).default(1),
      offset: z.number().min(-1e5).max(1e5).default(0),
    })
    .strict(),
  z
    .object({
      kind: z.literal('project'),
      /** Sample names; empty: every sample with that role. */
      signal: z.array(z.string()).max(1000).default([]),
      background: z.array(z.string()).max(1000).default([]),
      region: z.string().nullable().default(null),
      /** Input expressions (two or more); the network takes them all. */
      inputs: z.array(z.string().min(1).max(2000)).min(2).max(20),
      /** The inputs spanning the plane of the maps (indices into `inputs`); others at their medians. */
      plane: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([0, 1]),
      /** At most this many events (a seeded random subset), so that a step stays quick. */
      events: z.number().int().min(20).max(200_000).default(10_000),
    })
    .strict(),
])
export type LearnData = z.infer<typeof LearnData>

export const LearnOptimiser = z.enum(['sgd', 'momentum', 'adam'])
export type LearnOptimiser = z.infer<typeof LearnOptimiser>

/** Everything that can change mid-run; a change applies at the next step. */
export const LearnSettings = z
  .object({
    /** Neurons per hidden layer ([] : a linear model, logistic regression). */
    layers: z.array(z.number().int().min(1).max(32)).max(6).default([4, 2]),
    activation: Activation.default('tanh'),
    learningRate: z.number().min(1e-6).max(10).default(0.03),
    optimiser: LearnOptimiser.default('sgd'),
    regularisation: z.enum(['none', 'l1', 'l2']).default('none'),
    /** λ of the penalty: λ Σ|w| (L1) or λ Σw² (L2) over the kernels. */
    regularisationRate: z.number().min(0).max(10).default(0),
    batchSize: z.number().int().min(1).max(100_000).default(10),
    /** Fraction of the events used for training (the rest is the test set). */
    trainFraction: z.number().min(0.1).max(0.9).default(0.5),
    /** Inputs shifted and scaled to mean 0 and standard deviation 1 (training events' moments). */
    standardise: z.boolean().default(true),
    /** Event weights: none (all 1), the sample's physical weights, or classes balanced (Σw_S = Σw_B). */
    weights: z.enum(['none', 'physical', 'balanced']).default('none'),
    /** What one "step" is. */
    stepUnit: z.enum(['batch', 'epoch']).default('batch'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
  })
  .strict()
export type LearnSettings = z.infer<typeof LearnSettings>

const num = z.number()
const SessionId = z.string().min(1).max(100)

/** Histograms of a quantity for signal and background, each normalised to unit area. */
export const LearnHistogram = z.object({
  lo: num,
  hi: num,
  signal: z.array(num),
  background: z.array(num),
})
export type LearnHistogram = z.infer<typeof LearnHistogram>

/** The events drawn on the map: plane coordinates, label (1 signal), part (0 train, 1 test). */
export const LearnPoints = z.object({
  x: z.array(num),
  y: z.array(num),
  label: z.array(z.number().int()),
  part: z.array(z.number().int()),
})

/** What the session trains on, said once per data change. */
export const LearnDataInfo = z.object({
  /** Bumped whenever the events change (a new data choice, a lesson's next stage). */
  version: z.number().int(),
  /** Names of the inputs; the plane's two first. */
  inputs: z.array(z.string()),
  /** The plane's two inputs (names) and their ranges: the maps' extent. */
  plane: z.object({
    x: z.string(),
    y: z.string(),
    xRange: z.tuple([num, num]),
    yRange: z.tuple([num, num]),
  }),
  /** Inputs off the plane held at their medians, as a sentence for the plot ("" when none). */
  slice: z.string(),
  events: z.object({
    train: z.object({ signal: z.number().int(), background: z.number().int() }),
    test: z.object({ signal: z.number().int(), background: z.number().int() }),
  }),
  /** At most 2000 events, drawn on the map. */
  points: LearnPoints,
})
export type LearnDataInfo = z.infer<typeof LearnDataInfo>

export const LessonMeasure = z.enum([
  'trainLoss',
  'testLoss',
  'minTestLoss',
  'aucTest',
  'ks',
  'signalEfficiency',
  'gradientRatio',
])
export type LessonMeasure = z.infer<typeof LessonMeasure>

/**
 * Which engine a lesson runs: the playground's classifier (stepped epoch by epoch, the map and
 * network drawn), or a study on another engine of the workbench (the autoencoder of the Anomaly
 * step, INFERNO), run one whole stage at a time and drawn as its own figures (`learn.study`).
 */
export const LessonEngine = z.enum(['playground', 'autoencoder', 'inferno'])
export type LessonEngine = z.infer<typeof LessonEngine>

/** A lesson as a page: goal, the one setting to change, what to look for, the explanation. */
export const LessonInfo = z.object({
  id: z.string(),
  engine: LessonEngine.default('playground'),
  title: z.string(),
  goal: z.string(),
  /** The one setting changed between the stages, in words ("learning rate 0.03 → 3"). */
  change: z.string(),
  lookFor: z.string(),
  explanation: z.string(),
  stages: z.array(z.object({ label: z.string(), epochs: z.number().int() })),
  /** The stage numbers that matter for this lesson (the columns its table shows). */
  measures: z.array(LessonMeasure),
})
export type LessonInfo = z.infer<typeof LessonInfo>

export const LessonProgress = z.object({
  id: z.string(),
  stage: z.number().int(),
  /** Epochs done in the stage and its total. */
  epoch: z.number().int(),
  epochs: z.number().int(),
  done: z.boolean(),
  /** A stage has just ended (its numbers are in `stages`); the next one starts at the next step. */
  waiting: z.boolean(),
  /** Per finished stage: the numbers the check reads. */
  stages: z.array(
    z.object({
      label: z.string(),
      trainLoss: FiniteOrNull,
      testLoss: FiniteOrNull,
      minTestLoss: FiniteOrNull,
      /** Epoch (1-based) of the lowest test loss. */
      bestEpoch: z.number().int(),
      aucTest: FiniteOrNull,
      ksSignal: FiniteOrNull,
      ksBackground: FiniteOrNull,
      signalEfficiency: FiniteOrNull,
      /**
       * Gradient size of the first hidden layer over that of the output layer (means over the
       * last epoch's batches): ≪ 1 when gradients vanish on their way back.
       */
      gradientRatio: FiniteOrNull,
    }),
  ),
  /** When done: whether the run showed what the lesson promises, and the numbers that say so. */
  verdict: z.object({ passed: z.boolean(), measured: z.string() }).nullable(),
})
export type LessonProgress = z.infer<typeof LessonProgress>

/** One curve of a study figure: a histogram (unit area, `lo` … `hi`) or points (x, y). */
export const StudySeries = z.object({
  name: z.string(),
  /** 'signal', 'background' or another role that picks the colour. */
  role: z.string(),
  x: z.array(num),
  y: z.array(num),
})
export type StudySeries = z.infer<typeof StudySeries>

/** A figure of a study stage: histograms (step lines), curves (a ROC) or bars (grouped values). */
export const StudyFigure = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(['histogram', 'curve', 'bars']),
  xLabel: z.string(),
  yLabel: z.string(),
  series: z.array(StudySeries),
  /** Bars: the group names along x (the series' y are the bars, one per group). */
  groups: z.array(z.string()).default([]),
})
export type StudyFigure = z.infer<typeof StudyFigure>

/** A finished stage of a study lesson: its numbers (named, in order) and its figures. */
export const StudyStage = z.object({
  label: z.string(),
  numbers: z.array(z.object({ name: z.string(), value: FiniteOrNull })),
  figures: z.array(StudyFigure),
})
export type StudyStage = z.infer<typeof StudyStage>

/** Where a study lesson stands: the stages run so far and, at its end, the verdict. */
export const StudyProgress = z.object({
  run: z.string(),
  id: z.string(),
  /** Stages finished (the next to run is this index). */
  stage: z.number().int(),
  done: z.boolean(),
  stages: z.array(StudyStage),
  verdict: z.object({ passed: z.boolean(), measured: z.string() }).nullable(),
  /** Seconds the last stage took. */
  seconds: num,
})
export type StudyProgress = z.infer<typeof StudyProgress>

/** Where the network stands after the last step. */
export const LearnSnapshot = z.object({
  session: z.string(),
  dataVersion: z.number().int(),
  settings: LearnSettings,
  /** Batches and (fractional) epochs trained. */
  step: z.number().int(),
  epoch: num,
  /** Grid size n: every map is n × n values, row-major from (xmin, ymin), x fastest. */
  grid: z.number().int(),
  /** Network output (sigmoid, 0 … 1) over the plane. */
  boundary: z.array(num),
  /** Grid size m of the neuron maps (m × m, laid out as the boundary). */
  neuronGrid: z.number().int(),
  /** Per hidden layer, per neuron: its activation over the plane (m × m). */
  neurons: z.array(z.array(z.array(num))),
  /** Per hidden layer, per neuron: its activation on the training events, signal vs background. */
  neuronHistograms: z.array(z.array(LearnHistogram)),
  /** Kernels per layer (hidden layers then the output), row-major [fan in][fan out]. */
  weights: z.array(z.array(z.array(num))),
  /** ‖∂loss/∂W‖ (kernel and bias) of the last batch, per layer (hidden then output). */
  gradientNorms: z.array(FiniteOrNull),
  history: z.object({
    step: z.array(num),
    epoch: z.array(num),
    train: z.array(FiniteOrNull),
    test: z.array(FiniteOrNull),
  }),
  output: z.object({
    train: LearnHistogram,
    test: LearnHistogram,
    ksSignal: FiniteOrNull,
    ksBackground: FiniteOrNull,
  }),
  roc: z.object({
    effS: z.array(num),
    effB: z.array(num),
    aucTest: FiniteOrNull,
    aucTrain: FiniteOrNull,
  }),
  /** Why training stopped making sense (a loss that became NaN), or null. */
  diverged: z.string().nullable(),
  lesson: LessonProgress.nullable(),
  /** Milliseconds the engine spent training and evaluating in this call. */
  millis: num,
})
export type LearnSnapshot = z.infer<typeof LearnSnapshot>

const Opened = z.object({ snapshot: LearnSnapshot, data: LearnDataInfo })
export type LearnOpened = z.infer<typeof Opened>

export const learnMethods = {
  /** A new session (the previous sessions of the window beyond the last few are closed). */
  'learn.open': {
    params: z
      .object({ data: LearnData, settings: LearnSettings.default(LearnSettings.parse({})) })
      .strict(),
    result: Opened,
  },
  /**
   * Trains `steps` steps, or as many as fit in `millis` together with the snapshot (at least
   * one), then answers the snapshot. In a lesson, steps are whole epochs and stop at the end of
   * a stage.
   */
  'learn.step': {
    params: z
      .object({
        session: SessionId,
        steps: z.number().int().min(1).max(100_000).optional(),
        millis: z.number().min(1).max(5000).optional(),
      })
      .strict(),
    result: LearnSnapshot,
  },
  /** New settings, used from the next step on; a new architecture starts from new weights. */
  'learn.configure': {
    params: z.object({ session: SessionId, settings: LearnSettings }).strict(),
    result: LearnSnapshot,
  },
  /** New weights (the settings' seed), the history cleared; the events stay. */
  'learn.reset': { params: z.object({ session: SessionId }).strict(), result: LearnSnapshot },
  /** The events of the session's current data (after a lesson moved to its next stage). */
  'learn.data': { params: z.object({ session: SessionId }).strict(), result: LearnDataInfo },
  'learn.close': { params: z.object({ session: SessionId }).strict(), result: z.null() },
  'learn.lessons': { params: z.object({}).strict(), result: z.array(LessonInfo) },
  /** A session running the lesson from its first stage (its own data, settings and seed). */
  'learn.lesson': {
    params: z.object({ id: z.string().min(1).max(100) }).strict(),
    result: Opened,
  },
  /** A study lesson (engine autoencoder or INFERNO), before its first stage. */
  'learn.study': {
    params: z.object({ id: z.string().min(1).max(100) }).strict(),
    result: StudyProgress,
  },
  /** Runs the study's next stage to its end (seconds) and answers where it stands. */
  'learn.studyStage': {
    params: z.object({ run: SessionId }).strict(),
    result: StudyProgress,
  },
} as const satisfies Record<string, MethodSpec>

export type LearnMethodName = keyof typeof learnMethods
