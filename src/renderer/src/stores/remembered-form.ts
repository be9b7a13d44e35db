/**
 * A set-up form remembered per project (the Train and Anomaly steps): read from the project's
 * settings when the project opens, written 500 ms after the last edit, and — once per project,
 * when none was stored — given input variables proposed from the samples' columns.
 */
import { type Ref, ref, watch } from 'vue'
import { readSetting, writeSetting } from '../components/data/persisted'
import { suggestInputs } from '../components/train/setup-form'

const SAVE_DELAY_MS = 500

export function rememberedForm<F extends { inputs: string[] }>(options: {
  /** Settings key, e.g. 'train.setup'. */
  setting: string
  /** The form from a stored value (null or invalid: the defaults). */
  restore: (saved: unknown) => F
  /** Flat columns of the samples, for the proposed inputs. */
  columns: Ref<readonly string[]>
  /** Whether a project is open (nothing is written otherwise). */
  hasProject: () => boolean
}) {
  const form = ref(options.restore(null)) as Ref<F>
  const loaded = ref(false)
  /** Whether inputs may still be proposed: once per project, when none were stored. */
  let maySuggest = false

  async function load(): Promise<void> {
    loaded.value = false
    let saved: unknown = null
    try {
      saved = await readSetting(options.setting)
    } catch {
      // Without the stored set-up the defaults are shown; nothing is lost.
    }
    form.value = options.restore(saved)
    maySuggest = form.value.inputs.length === 0
    loaded.value = true
    suggest()
  }

  function suggest(): void {
    if (!maySuggest || !loaded.value || !options.columns.value.length) return
    maySuggest = false
    if (!form.value.inputs.length) form.value.inputs = suggestInputs([...options.columns.value])
  }
  watch(options.columns, suggest)

  let saveTimer: ReturnType<typeof setTimeout> | null = null
  watch(
    form,
    () => {
      if (!loaded.value || !options.hasProject()) return
      if (saveTimer) clearTimeout(saveTimer)
      saveTimer = setTimeout(() => {
        writeSetting(options.setting, JSON.parse(JSON.stringify(form.value)))
      }, SAVE_DELAY_MS)
    },
    { deep: true },
  )

  /** Drops a pending write (a set-up edited just before a project switch belongs to the old one). */
  function cancelSave(): void {
    if (saveTimer) clearTimeout(saveTimer)
    saveTimer = null
  }

  return { form, loaded, load, cancelSave }
}
