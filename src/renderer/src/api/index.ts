import { ApiClient } from './client'
import { ipcTransport, websocketTransport } from './transports'

/** The one client of this window. */
export const api = new ApiClient(window.api ? ipcTransport(window.api) : websocketTransport())

/** Whether native file dialogs exist (Electron) or paths are typed (browser mode). */
export const hasNativeDialogs = window.api !== undefined
