/**
 * The Learn step's methods (issue 14): playground sessions held in the engine and stepped by the
 * window, on a toy set or on the open project's samples (read once through the training-set use
 * case, app/training-set.ts), and guided lessons run in such sessions.
 *
 * Training advances only inside `learn.step` (the window asks for the next frame when it has
 * drawn the last one), so a session needs no pause gate: between calls it is paused.
 */
import { randomUUID } from 'node:crypto'
import type * as TF from '@tensorflow/tfjs'
import type {
  LearnData,
  LearnMethodName,
  LearnSettings,
  LearnSnapshot,
} from '../../../shared/contract/learn'
import { ExprError } from '../../../shared/expr'
import { trainingEvents } from '../app/training-set'
import { silentContext } from '../jobs/context'
import { chooseBackend } from '../ml/backend'
import type { PlaygroundEvents } from '../ml/playground/events'
import { projectEvents } from '../ml/playground/events'
import { LESSONS, LessonRun, lessonInfos } from '../ml/playground/lessons'
import { PlaygroundSession } from '../ml/playground/session'
import { dataInfo, snapshot } from '../ml/playground/snapshot'
import { StudyRun, studyInfo } from '../ml/playground/study'
import { STUDY_LESSONS } from '../ml/playground/study-lessons'
import { toyEvents } from '../ml/playground/toy-sets'
import { SpecError } from '../select/spec-error'
import { ProjectError } from '../store/project'
import type { Handlers, ServiceEnv } from './env'
import { scopeSource } from './project-source'

/** Sessions kept at most; the oldest is closed beyond (a window that reloaded left its own). */
const MAX_SESSIONS = 4

interface Held {
  readonly session: PlaygroundSession
  readonly lesson: LessonRun | null
  /** Recent cost of a snapshot (ms, smoothed): what a timed step leaves for it. */
  snapshotMillis: number
}

export function learnHandlers(env: ServiceEnv): Handlers<LearnMethodName> {
  const sessions = new Map<string, Held>()
  /** Study lessons' runs (their numbers and figures only: each stage's network is disposed). */
  const studies = new Map<string, StudyRun>()

  const hold = (held: Held) => {
    const id = randomUUID()
    sessions.set(id, held)
    for (const [old, h] of sessions) {
      if (sessions.size <= MAX_SESSIONS) break
      h.session.dispose()
      sessions.delete(old)
    }
    return { id, held }
  }

  const get = (id: string): Held => {
    const h = sessions.get(id)
    if (!h)
      throw new ProjectError(
        'this Learn session has ended (the engine restarted or closed it): start again',
      )
    return h
  }

  const answer = (id: string, h: Held, t0: number): LearnSnapshot => {
    const t1 = performance.now()
    const s = snapshot(h.session)
    const t2 = performance.now()
    h.snapshotMillis = 0.7 * h.snapshotMillis + 0.3 * (t2 - t1)
    return { session: id, ...s, lesson: h.lesson?.progress() ?? null, millis: t2 - t0 }
  }

  async function events(data: LearnData, settings: LearnSettings): Promise<PlaygroundEvents> {
    if (data.kind === 'toy') return toyEvents(data, settings.seed)
    const { inputs, plane } = data
    if (plane[0] === plane[1] || plane.some((p) => p >= inputs.length))
      throw new ProjectError('the plane needs two different inputs among those chosen')
    const ctx = silentContext()
    try {
      const selected = await trainingEvents(
        await scopeSource(env.scope(), ctx),
        { signal: data.signal, background: data.background, region: data.region, inputs },
        ctx,
      )
      return projectEvents(selected, inputs, plane, data.events, settings.seed)
    } catch (e) {
      if (e instanceof ExprError || e instanceof SpecError) throw new ProjectError(e.message)
      throw e
    }
  }

  const tf = async (): Promise<typeof TF> => (await chooseBackend()).tf

  return {
    'learn.open': async ({ data, settings }) => {
      const t0 = performance.now()
      const session = new PlaygroundSession(await tf(), await events(data, settings), settings)
      const { id, held } = hold({ session, lesson: null, snapshotMillis: 0 })
      return { snapshot: answer(id, held, t0), data: dataInfo(session) }
    },
    'learn.step': ({ session: id, steps, millis }) => {
      const t0 = performance.now()
      const h = get(id)
      const one = () => (h.lesson ? h.lesson.epochStep() : h.session.step())
      // A lesson stops at the end of each stage, so that the window shows it.
      const halt = () => h.lesson !== null && (h.lesson.finished || h.lesson.waiting)
      if (steps !== undefined) for (let k = 0; k < steps && (k === 0 || !halt()); k++) one()
      else {
        // At least one step, then as many as fit in the time asked for with the snapshot.
        const budget = (millis ?? 100) - h.snapshotMillis
        do one()
        while (performance.now() - t0 < budget && !halt())
      }
      return answer(id, h, t0)
    },
    'learn.configure': ({ session: id, settings }) => {
      const t0 = performance.now()
      const h = get(id)
      h.session.configure(settings)
      return answer(id, h, t0)
    },
    'learn.reset': ({ session: id }) => {
      const t0 = performance.now()
      const h = get(id)
      h.session.reset()
      return answer(id, h, t0)
    },
    'learn.data': ({ session: id }) => dataInfo(get(id).session),
    'learn.close': ({ session: id }) => {
      sessions.get(id)?.session.dispose()
      sessions.delete(id)
      return null
    },
    'learn.lessons': () => [...lessonInfos(), ...STUDY_LESSONS.map(studyInfo)],
    'learn.lesson': async ({ id: lessonId }) => {
      const t0 = performance.now()
      const lesson = LESSONS.find((l) => l.id === lessonId)
      if (!lesson)
        throw new ProjectError(
          STUDY_LESSONS.some((l) => l.id === lessonId)
            ? `lesson '${lessonId}' runs another engine: open it with learn.study`
            : `no lesson '${lessonId}'`,
        )
      const run = new LessonRun(await tf(), lesson)
      const { id, held } = hold({ session: run.session, lesson: run, snapshotMillis: 0 })
      return { snapshot: answer(id, held, t0), data: dataInfo(run.session) }
    },
    'learn.study': ({ id: lessonId }) => {
      const lesson = STUDY_LESSONS.find((l) => l.id === lessonId)
      if (!lesson) throw new ProjectError(`no study lesson '${lessonId}'`)
      const run = new StudyRun(lesson, randomUUID())
      studies.set(run.run, run)
      // Kept as few as the sessions: a window that reloaded left its own.
      for (const old of studies.keys()) {
        if (studies.size <= MAX_SESSIONS) break
        studies.delete(old)
      }
      return run.progress()
    },
    'learn.studyStage': async ({ run: id }) => {
      const run = studies.get(id)
      if (!run)
        throw new ProjectError(
          'this lesson run has ended (the engine restarted or closed it): start again',
        )
      await run.stage(await tf())
      return run.progress()
    },
  }
}
