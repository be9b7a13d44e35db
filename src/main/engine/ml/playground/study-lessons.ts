/** The study lessons (study.ts): on the autoencoder and on INFERNO, in the order the page lists them. */
import { ANOMALY_LESSON } from './anomaly-lesson'
import { INFERNO_LESSON } from './inferno-lesson'
import type { StudyLesson } from './study'

export const STUDY_LESSONS: readonly StudyLesson[] = [ANOMALY_LESSON, INFERNO_LESSON]
