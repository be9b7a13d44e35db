/**
 * Study lessons (issue 14): guided lessons that run another engine of the workbench — the
 * autoencoder of the Anomaly step, INFERNO — rather than the playground's classifier. A stage is
 * one whole run of that engine (seconds, fixed seed) that answers its numbers and figures; the
 * lesson's check reads the finished stages, as a playground lesson's does.
 */
import type * as TF from '@tensorflow/tfjs'
import type {
  LessonEngine,
  LessonInfo,
  StudyFigure,
  StudyProgress,
  StudyStage,
} from '../../../../shared/contract/learn'

export interface StudyLesson extends Omit<LessonInfo, 'stages' | 'measures' | 'engine'> {
  readonly engine: Exclude<LessonEngine, 'playground'>
  readonly stages: readonly {
    readonly label: string
    /** Runs the stage (fixed seed: the same numbers every time); `before`: the stages done. */
    run(tf: typeof TF, before: readonly StudyStage[]): Promise<StudyStage>
  }[]
  check(stages: readonly StudyStage[]): { passed: boolean; measured: string }
}

/** The lesson as a page (`learn.lessons`); a study stage counts as one "epoch". */
export function studyInfo(l: StudyLesson): LessonInfo {
  return {
    id: l.id,
    engine: l.engine,
    title: l.title,
    goal: l.goal,
    change: l.change,
    lookFor: l.lookFor,
    explanation: l.explanation,
    stages: l.stages.map((s) => ({ label: s.label, epochs: 1 })),
    measures: [],
  }
}

/** A stage's number by name (NaN when absent or null). */
export function numberOf(stage: StudyStage, name: string): number {
  return stage.numbers.find((n) => n.name === name)?.value ?? NaN
}

/** Unit-area histogram of `values` over [lo, hi] in `bins` bins, as bin centres and heights. */
export function unitHistogram(
  values: ArrayLike<number>,
  lo: number,
  hi: number,
  bins: number,
): { x: number[]; y: number[] } {
  const y = new Array<number>(bins).fill(0)
  const width = (hi - lo) / bins
  let n = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (!(v === v)) continue
    y[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]++
    n++
  }
  return {
    x: y.map((_, k) => lo + (k + 0.5) * width),
    y: y.map((c) => (n > 0 ? c / (n * width) : 0)),
  }
}

/** Signal and background histograms of one quantity as a figure. */
export function histogramFigure(
  id: string,
  title: string,
  xLabel: string,
  signal: ArrayLike<number>,
  background: ArrayLike<number>,
  range: [number, number],
  bins = 40,
): StudyFigure {
  return {
    id,
    title,
    kind: 'histogram',
    xLabel,
    yLabel: 'events (unit area)',
    groups: [],
    series: [
      { name: 'background', role: 'background', ...unitHistogram(background, ...range, bins) },
      { name: 'signal', role: 'signal', ...unitHistogram(signal, ...range, bins) },
    ],
  }
}

/** A study lesson's run: its stages one at a time. */
export class StudyRun {
  private readonly done: StudyStage[] = []
  private verdict: StudyProgress['verdict'] = null
  private seconds = 0

  constructor(
    readonly lesson: StudyLesson,
    readonly run: string,
  ) {}

  get finished(): boolean {
    return this.verdict !== null
  }

  /** Runs the next stage; after the last, the check. */
  async stage(tf: typeof TF): Promise<void> {
    if (this.finished) return
    const t0 = performance.now()
    this.done.push(await this.lesson.stages[this.done.length].run(tf, this.done))
    this.seconds = (performance.now() - t0) / 1000
    if (this.done.length === this.lesson.stages.length) this.verdict = this.lesson.check(this.done)
  }

  /** Every remaining stage (headless). */
  async runToEnd(tf: typeof TF): Promise<void> {
    while (!this.finished) await this.stage(tf)
  }

  progress(): StudyProgress {
    return {
      run: this.run,
      id: this.lesson.id,
      stage: this.done.length,
      done: this.finished,
      stages: this.done,
      verdict: this.verdict,
      seconds: this.seconds,
    }
  }
}
