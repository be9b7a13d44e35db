/**
 * The Learn view's state: the data choice (a toy set or project inputs), the settings (the
 * source of truth for the controls: a snapshot answering an older request never reverts them),
 * the engine session with its latest snapshot and events, play / pause, and the lesson.
 *
 * Play is a paced loop: ask the engine for ~70 ms of training and its snapshot, draw it, ask
 * again. Training never runs ahead of what the window can draw, and between two requests the
 * window is free for clicks; pausing just stops asking.
 */
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import {
  type LearnData,
  type LearnDataInfo,
  LearnSettings,
  type LearnSnapshot,
  type LessonInfo,
  type StudyProgress,
  type ToySet,
} from '../../../shared/contract/learn'
import { api } from '../api'

/** Engine time asked per frame while playing (ms): training and the snapshot together. */
const FRAME_MILLIS = 70

export interface ToyChoice {
  set: ToySet
  events: number
  noise: number
  signalFraction: number
}

export interface ProjectChoice {
  x: string
  y: string
  /** Further inputs, held at their medians on the map. */
  others: string[]
  region: string | null
}

export const useLearnStore = defineStore('learn', () => {
  const source = ref<'toy' | 'project'>('toy')
  const toy = ref<ToyChoice>({ set: 'circles', events: 500, noise: 0.1, signalFraction: 0.5 })
  const project = ref<ProjectChoice>({ x: '', y: '', others: [], region: null })
  const settings = ref<LearnSettings>(LearnSettings.parse({}))
  const session = ref<string | null>(null)
  const snapshot = shallowRef<LearnSnapshot | null>(null)
  const data = shallowRef<LearnDataInfo | null>(null)
  const playing = ref(false)
  const busy = ref(false)
  const error = ref<string | null>(null)
  const lessons = ref<LessonInfo[]>([])
  /** The project's numeric per-event variables and its regions (empty without a project). */
  const variables = ref<string[]>([])
  const regions = ref<string[]>([])
  const lesson = ref<LessonInfo | null>(null)
  /** A study lesson's run (autoencoder, INFERNO): its stages and figures; null otherwise. */
  const study = shallowRef<StudyProgress | null>(null)
  /** Snapshots drawn since the session opened (the e2e test and the frame rate read it). */
  const frames = ref(0)
  /** Called with every snapshot drawn (the recorder of animated exports listens). */
  const drawnListeners = new Set<(s: LearnSnapshot) => void>()

  function dataRequest(): LearnData {
    if (source.value === 'toy') return { kind: 'toy', ...toy.value, scale: 1, offset: 0 }
    const p = project.value
    return {
      kind: 'project',
      signal: [],
      background: [],
      region: p.region,
      inputs: [p.x, p.y, ...p.others.filter((o) => o !== p.x && o !== p.y)],
      plane: [0, 1],
      events: 10_000,
    }
  }

  function show(s: LearnSnapshot): void {
    snapshot.value = s
    frames.value++
    drawnListeners.forEach((l) => l(s))
  }

  async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      error.value = null
      return await work()
    } catch (e) {
      playing.value = false
      error.value = (e as Error).message
      // The engine no longer holds the session (it restarted): the view offers to start again.
      if (/session has ended/.test(error.value)) session.value = null
      return undefined
    }
  }

  /** A new session on the chosen data with the current settings. */
  async function open(): Promise<void> {
    playing.value = false
    lesson.value = null
    study.value = null
    busy.value = true
    await guarded(async () => {
      const old = session.value
      const opened = await api.call('learn.open', {
        data: dataRequest(),
        settings: settings.value,
      })
      session.value = opened.snapshot.session
      data.value = opened.data
      show(opened.snapshot)
      if (old) await api.call('learn.close', { session: old }).catch(() => {})
    })
    busy.value = false
  }

  /** The session's events again when a lesson moved to its next stage. */
  async function follow(s: LearnSnapshot): Promise<void> {
    if (data.value && s.dataVersion !== data.value.version)
      data.value = await api.call('learn.data', { session: s.session })
    if (s.lesson) settings.value = s.settings
  }

  async function step(): Promise<void> {
    if (!session.value || playing.value || running.value) return
    busy.value = true
    await guarded(async () => {
      const s = await api.call('learn.step', { session: session.value!, steps: 1 })
      await follow(s)
      show(s)
    })
    busy.value = false
  }

  /** Whether the play loop runs (it ends with the frame in flight after a pause). */
  const running = ref(false)

  async function loop(): Promise<void> {
    running.value = true
    const request = () => api.call('learn.step', { session: session.value!, millis: FRAME_MILLIS })
    // The next frame is asked for before this one is drawn: the engine trains while the window
    // paints, so a frame costs the longer of the two, not their sum.
    let next = request()
    for (;;) {
      const s = await guarded(() => next)
      if (!s || s.session !== session.value) break
      // A lesson pauses at the end of each stage so that its result can be read.
      const stop = !playing.value || s.lesson?.waiting || s.lesson?.done || s.diverged
      if (!stop) next = request()
      else playing.value = false
      await follow(s)
      show(s)
      if (stop) break
      // Let the window paint (and take clicks) before drawing the next frame.
      await new Promise((r) => requestAnimationFrame(() => r(null)))
    }
    playing.value = false
    running.value = false
  }

  function play(): void {
    if (playing.value || running.value || !session.value) return
    playing.value = true
    void loop()
  }

  function pause(): void {
    playing.value = false
  }

  /** New settings, applied by the engine from the next step on. */
  async function configure(next: Partial<LearnSettings>): Promise<void> {
    settings.value = LearnSettings.parse({ ...settings.value, ...next })
    if (!session.value) return
    await guarded(async () => {
      const s = await api.call('learn.configure', {
        session: session.value!,
        settings: settings.value,
      })
      show(s)
    })
  }

  async function reset(): Promise<void> {
    if (!session.value) return
    await guarded(async () => show(await api.call('learn.reset', { session: session.value! })))
  }

  /** Adds (+1) or removes (−1) a hidden layer. */
  function changeLayers(delta: 1 | -1): Promise<void> {
    const layers = [...settings.value.layers]
    if (delta > 0 && layers.length < 6) layers.push(layers.at(-1) ?? 4)
    if (delta < 0) layers.pop()
    return configure({ layers })
  }

  /** Adds or removes a neuron of hidden layer k. */
  function changeNeurons(k: number, delta: 1 | -1): Promise<void> {
    const layers = [...settings.value.layers]
    layers[k] = Math.min(32, Math.max(1, layers[k] + delta))
    return configure({ layers })
  }

  async function loadLessons(): Promise<void> {
    if (!lessons.value.length)
      await guarded(async () => (lessons.value = await api.call('learn.lessons', {})))
  }

  async function loadChoices(): Promise<void> {
    try {
      const v = await api.call('data.variables', {})
      variables.value = v.variables.filter((r) => !r.jagged && r.type !== 'bool').map((r) => r.name)
      regions.value = (await api.call('cuts.regions', {})).map((r) => r.name)
    } catch {
      // Without a project (or samples) only the toy sets are offered.
      variables.value = []
      regions.value = []
    }
  }

  /** Another project was opened (or none): its variables, and no events of the old one. */
  async function projectChanged(): Promise<void> {
    await loadChoices()
    if (source.value !== 'project') return
    source.value = 'toy'
    project.value = { x: '', y: '', others: [], region: null }
    if (session.value && !lesson.value) await open()
  }

  async function startLesson(id: string): Promise<void> {
    playing.value = false
    const info = lessons.value.find((l) => l.id === id) ?? null
    if (info && info.engine !== 'playground') return startStudy(info)
    study.value = null
    busy.value = true
    await guarded(async () => {
      const old = session.value
      const opened = await api.call('learn.lesson', { id })
      lesson.value = lessons.value.find((l) => l.id === id) ?? null
      session.value = opened.snapshot.session
      data.value = opened.data
      settings.value = opened.snapshot.settings
      show(opened.snapshot)
      if (old) await api.call('learn.close', { session: old }).catch(() => {})
    })
    busy.value = false
  }

  /** A study lesson: its page, no playground session (the engine runs each stage whole). */
  async function startStudy(info: LessonInfo): Promise<void> {
    busy.value = true
    await guarded(async () => {
      study.value = await api.call('learn.study', { id: info.id })
      lesson.value = info
    })
    busy.value = false
  }

  /** Runs the study lesson's next stage (seconds) and shows its numbers and figures. */
  async function runStudyStage(): Promise<void> {
    const s = study.value
    if (!s || s.done || busy.value) return
    busy.value = true
    await guarded(async () => {
      const next = await api.call('learn.studyStage', { run: s.run })
      // Another lesson may have been chosen meanwhile.
      if (study.value?.run === next.run) study.value = next
    })
    busy.value = false
  }

  return {
    source,
    toy,
    project,
    settings,
    session,
    snapshot,
    data,
    playing,
    running,
    busy,
    error,
    lessons,
    lesson,
    variables,
    regions,
    loadChoices,
    projectChanged,
    frames,
    drawnListeners,
    open,
    step,
    play,
    pause,
    configure,
    reset,
    changeLayers,
    changeNeurons,
    loadLessons,
    startLesson,
    study,
    runStudyStage,
  }
})
