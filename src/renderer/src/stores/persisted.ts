/** Reads and writes one Data-view setting stored in the project (see data.ts). */
import type { Params } from '../../../shared/api'
import { api } from '../api'

/** A JSON value, as a setting holds it. */
export type SettingValue = Params<'data.putSetting'>['value']

export async function readSetting(key: string): Promise<unknown> {
  const all = await api.call('data.getSettings', { prefix: key })
  return all[key]
}

export function writeSetting(key: string, value: SettingValue): void {
  // A setting that could not be stored only costs the choice after a reload; do not interrupt.
  void api.call('data.putSetting', { key, value }).catch(() => {})
}
