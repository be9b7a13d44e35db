/** Exposes `window.api` (src/shared/bridge.ts) and nothing else; the renderer is sandboxed. */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { FileDialogOptions, WindowApi } from '../shared/bridge'

const api: WindowApi = {
  call: (request: unknown) => ipcRenderer.invoke('hepwb:call', request),
  onMessage: (listener: (message: unknown) => void) => {
    const l = (_e: IpcRendererEvent, message: unknown) => listener(message)
    ipcRenderer.on('hepwb:event', l)
    return () => ipcRenderer.removeListener('hepwb:event', l)
  },
  pickFile: (options: FileDialogOptions) => ipcRenderer.invoke('hepwb:pick-file', options),
}

contextBridge.exposeInMainWorld('api', api)
