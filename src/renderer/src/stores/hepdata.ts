/**
 * The HEPData export of saved plots (issue 16): asks the engine to write the selected plots
 * (`hepdata.export`; each plot's figure becomes its table's image and thumbnail), asking before
 * replacing files. The engine checks the submission against HEPData's format first; its
 * problems, in words, are kept in `problems` and nothing is written then.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { HepdataProblem, HepdataWritten } from '../../../shared/contract/hepdata'
import { api } from '../api'
import { writeAsking } from '../api/overwrite'
import { guardWith } from './guard'

export const useHepdataStore = defineStore('hepdata', () => {
  const busy = ref(false)
  const problems = ref<HepdataProblem[]>([])
  const written = ref<HepdataWritten | null>(null)
  const error = ref<string | null>(null)
  const guard = guardWith(error)

  function reset(): void {
    problems.value = []
    written.value = null
    error.value = null
  }

  /**
   * Writes the saved plots `ids` as a HEPData submission into the folder `path` (and its zip); `confirmed`:
   * a native dialog already asked about replacing. Returns whether it was written.
   */
  async function exportPlots(
    ids: readonly string[],
    path: string,
    confirmed = false,
    zip = true,
  ): Promise<boolean> {
    reset()
    busy.value = true
    try {
      const r = await guard(() =>
        writeAsking(
          (overwrite) =>
            api.call('hepdata.export', {
              ids: [...ids],
              path,
              zip,
              overwrite,
            }),
          confirmed,
        ),
      )
      if (!r) return false
      problems.value = r.problems
      written.value = r.written
      return r.written !== null
    } finally {
      busy.value = false
    }
  }

  return { busy, problems, written, error, reset, exportPlots }
})
