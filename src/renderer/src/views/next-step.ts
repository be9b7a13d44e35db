/**
 * The Project page's "Next step": the first workflow step the project has nothing for yet
 * (samples → regions → a trained model → a fit), with why. Pure, unit-tested.
 */

/** What the project holds, counted. */
export interface ProjectContents {
  samples: number
  regions: number
  /** Trained classifiers and autoencoders together. */
  models: number
  workspaces: number
}

export interface NextStep {
  /** The view id (registry.ts). */
  id: 'data' | 'cuts' | 'train' | 'fit'
  /** One sentence: why this step now. */
  why: string
}

/** The step to take next; null when every step has something (the runs below say what). */
export function nextStep(c: ProjectContents): NextStep | null {
  if (!c.samples)
    return { id: 'data', why: 'No samples yet: import signal, background and data files.' }
  if (!c.regions)
    return {
      id: 'cuts',
      why: `${plural(c.samples, 'sample')}, no region yet: write the cuts of a selection.`,
    }
  if (!c.models)
    return {
      id: 'train',
      why: `${plural(c.regions, 'region')}, no trained model yet: train a classifier in a region.`,
    }
  if (!c.workspaces)
    return {
      id: 'fit',
      why: `${plural(c.models, 'trained model')}, no fit workspace yet: build one from the regions or import one.`,
    }
  return null
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`
}
