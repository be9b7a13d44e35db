/** Native file dialogs: there in Electron, absent in browser mode (paths are typed there). */
import { defineStore } from 'pinia'
import { hasNativeDialogs, pickFile } from '../api'

export const useDialogsStore = defineStore('dialogs', () => ({
  native: hasNativeDialogs,
  /** The chosen path; null when cancelled or without native dialogs. */
  pickFile,
}))
