/**
 * What the Electron preload exposes to the renderer as `window.api` — nothing else crosses the
 * context bridge. Browser mode has no bridge; the renderer talks WebSocket instead.
 */
export interface FileDialogOptions {
  mode: 'open' | 'save'
  title?: string
  filters?: { name: string; extensions: string[] }[]
  defaultPath?: string
}

export interface WindowApi {
  /** Sends one request message; resolves with the response message. */
  call(request: unknown): Promise<unknown>
  /** Subscribes to event messages; returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void
  /** Native file dialog; resolves with the chosen path or null when cancelled. */
  pickFile(options: FileDialogOptions): Promise<string | null>
}
