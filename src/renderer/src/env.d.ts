/// <reference types="vite/client" />
import type { WindowApi } from '../../shared/bridge'

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

declare global {
  interface Window {
    /** Present in the Electron window only (preload); absent in browser mode. */
    api?: WindowApi
  }
}
