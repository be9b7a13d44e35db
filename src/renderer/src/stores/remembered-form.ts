/**
 * A set-up form remembered per project (the Train and Anomaly steps): read from the project's
 * settings when the project opens and written 500 ms after the last edit. No input variables
 * are proposed: the first columns of a file are bookkeeping, truth or mostly missing as often as
 * not (issue 17), so the user ticks them.
 */
import { type Ref, ref, watch } from 'vue'
import { readSetting, writeSetting } from './persisted'

const SAVE_DELAY_MS = 500

export function rememberedForm<F>(options: {
  /** Settings key, e.g. 'train.setup'. */
  setting: string
  /** The form from a stored value (null or invalid: the defaults). */
  restore: (saved: unknown) => F
  /** Whether a project is open (nothing is written otherwise). */
  hasProject: () => boolean
}) {
  const form = ref(options.restore(null)) as Ref<F>
  const loaded = ref(false)

  async function load(): Promise<void> {
    loaded.value = false
    let saved: unknown = null
    try {
      saved = await readSetting(options.setting)
    } catch {
      // Without the stored set-up the defaults are shown; nothing is lost.
    }
    form.value = options.restore(saved)
    loaded.value = true
  }

  let saveTimer: ReturnType<typeof setTimeout> | null = null
  watch(
    form,
    () => {
      if (!loaded.value || !options.hasProject()) return
      if (saveTimer) clearTimeout(saveTimer)
      saveTimer = setTimeout(write, SAVE_DELAY_MS)
    },
    { deep: true },
  )

  function write(): void {
    saveTimer = null
    writeSetting(options.setting, JSON.parse(JSON.stringify(form.value)))
  }

  /**
   * Writes a pending edit at once: a job started from this set-up must find it after a reload
   * (the window re-attaches to the job and shows the set-up it was started from).
   */
  function saveNow(): void {
    if (!saveTimer) return
    clearTimeout(saveTimer)
    write()
  }

  /** Drops a pending write (a set-up edited just before a project switch belongs to the old one). */
  function cancelSave(): void {
    if (saveTimer) clearTimeout(saveTimer)
    saveTimer = null
  }

  return { form, loaded, load, cancelSave, saveNow }
}
