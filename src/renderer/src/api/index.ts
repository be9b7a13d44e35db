import type { FileDialogOptions } from '../../../shared/bridge'
import { ApiClient } from './client'
import { ipcTransport, websocketTransport } from './transports'

/** The one client of this window. */
export const api = new ApiClient(window.api ? ipcTransport(window.api) : websocketTransport())

/** Whether native file dialogs exist (Electron) or paths are typed (browser mode). */
export const hasNativeDialogs = window.api !== undefined

/** The native file dialog's chosen path; null when cancelled or without native dialogs. */
export async function pickFile(options: FileDialogOptions): Promise<string | null> {
  return (await window.api?.pickFile(options)) ?? null
}
