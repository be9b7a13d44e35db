/** The two ways a window reaches the engine: Electron IPC (preload) or a WebSocket (browser mode). */
import type { WindowApi } from '../../../shared/bridge'
import type { Transport } from './client'

export function ipcTransport(api: WindowApi): Transport {
  const listeners: ((m: unknown) => void)[] = []
  api.onMessage((m) => listeners.forEach((l) => l(m)))
  return {
    kind: 'ipc',
    send: (message) =>
      void api.call(message).then((response) => listeners.forEach((l) => l(response))),
    onMessage: (l) => void listeners.push(l),
    onConnection: (l) => l(true),
  }
}

/**
 * WebSocket to `/api` on the page's own host, reconnecting with back-off. The access token
 * comes from the page URL (the server also set it as a cookie on the first load).
 */
export function websocketTransport(): Transport {
  const messageListeners: ((m: unknown) => void)[] = []
  const connectionListeners: ((c: boolean) => void)[] = []
  const queue: string[] = []
  let socket: WebSocket | null = null
  let delay = 250

  const token = new URLSearchParams(location.search).get('token') ?? ''
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api${token ? `?token=${encodeURIComponent(token)}` : ''}`

  function open(): void {
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      delay = 250
      connectionListeners.forEach((l) => l(true))
      for (const m of queue.splice(0)) ws.send(m)
    }
    ws.onmessage = (e) => {
      let msg: unknown
      try {
        msg = JSON.parse(String(e.data))
      } catch {
        return
      }
      messageListeners.forEach((l) => l(msg))
    }
    ws.onclose = () => {
      socket = null
      connectionListeners.forEach((l) => l(false))
      setTimeout(open, delay)
      delay = Math.min(delay * 2, 5000)
    }
  }
  open()

  return {
    kind: 'websocket',
    send: (message) => {
      const text = JSON.stringify(message)
      if (socket?.readyState === WebSocket.OPEN) socket.send(text)
      else queue.push(text)
    },
    onMessage: (l) => void messageListeners.push(l),
    onConnection: (l) => void connectionListeners.push(l),
  }
}
