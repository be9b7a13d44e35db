/**
 * Electron bootstrap (thin, DESIGN.md §1): one window, menus, file dialogs, and the engine in a
 * utilityProcess supervised by EngineSupervisor. All engine work happens in that process; this
 * main loop only relays validated messages.
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, session, shell, utilityProcess } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { describeZodError } from '../shared/api'
import { answer } from './host/host-methods'
import { type EngineProcess, EngineSupervisor } from './host/supervisor'

const FileDialogOptions = z
  .object({
    mode: z.enum(['open', 'save']),
    title: z.string().max(200).optional(),
    filters: z
      .array(
        z.object({ name: z.string().max(100), extensions: z.array(z.string().max(20)).max(20) }),
      )
      .max(20)
      .optional(),
    defaultPath: z.string().max(4096).optional(),
  })
  .strict()

function spawnUtility(): EngineProcess {
  // An Electron-ABI build of better-sqlite3 (scripts/start.mjs makes it) where one exists.
  const binding = join(app.getAppPath(), '.electron-native', 'better_sqlite3.node')
  const env = { ...process.env, ...(existsSync(binding) ? { HEPWB_SQLITE_BINDING: binding } : {}) }
  const child = utilityProcess.fork(join(__dirname, 'engine.js'), [], {
    serviceName: 'HEP Workbench engine',
    stdio: 'inherit',
    env,
  })
  return {
    send: (msg) => child.postMessage(msg),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(code, null)),
    kill: () => void child.kill(),
  }
}

const supervisor = new EngineSupervisor(spawnUtility)
let window: BrowserWindow | null = null

function createWindow(): void {
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'HEP Workbench',
    show: false,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  })
  window.once('ready-to-show', () => window?.show())
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.webContents.on('will-navigate', (e) => e.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(join(__dirname, '../renderer/index.html'))
}

function fromOurWindow(e: Electron.IpcMainInvokeEvent): boolean {
  return window !== null && e.sender === window.webContents
}

function installIpc(): void {
  ipcMain.handle('hepwb:call', async (e, raw: unknown) => {
    if (!fromOurWindow(e))
      return {
        type: 'response',
        id: -1,
        ok: false,
        error: { code: 'invalid', message: 'unknown sender' },
      }
    const a = await answer(supervisor, raw)
    return {
      type: 'response',
      id: a.id ?? -1,
      ...(a.ok ? { ok: true, result: a.result } : { ok: false, error: a.error }),
    }
  })
  ipcMain.handle('hepwb:pick-file', async (e, raw: unknown) => {
    if (!fromOurWindow(e) || !window) return null
    const parsed = FileDialogOptions.safeParse(raw)
    if (!parsed.success) throw new Error(`pickFile: ${describeZodError(parsed.error)}`)
    const o = parsed.data
    if (o.mode === 'save') {
      // The dialog asks before an existing file is chosen (on Linux only when told to); the
      // window then sends its write with `overwrite: true`.
      const r = await dialog.showSaveDialog(window, {
        title: o.title,
        filters: o.filters,
        defaultPath: o.defaultPath,
        properties: SAVE_PROPERTIES,
      })
      return r.canceled ? null : (r.filePath ?? null)
    }
    const r = await dialog.showOpenDialog(window, {
      title: o.title,
      filters: o.filters,
      defaultPath: o.defaultPath,
      properties: ['openFile'],
    })
    return r.canceled ? null : (r.filePaths[0] ?? null)
  })
  supervisor.onEvent((msg) => window?.webContents.send('hepwb:event', msg))
}

const PROJECT_FILTER = [{ name: 'HEP Workbench project', extensions: ['hepwb'] }]
/** Save dialogs ask "replace?" for an existing file on every platform (Linux needs the flag). */
const SAVE_PROPERTIES: Electron.SaveDialogOptions['properties'] = [
  'showOverwriteConfirmation',
  'createDirectory',
]

async function menuProject(kind: 'create' | 'open' | 'saveAs'): Promise<void> {
  if (!window) return
  const path =
    kind === 'open'
      ? (await dialog.showOpenDialog(window, { filters: PROJECT_FILTER, properties: ['openFile'] }))
          .filePaths[0]
      : (
          await dialog.showSaveDialog(window, {
            filters: PROJECT_FILTER,
            properties: SAVE_PROPERTIES,
          })
        ).filePath
  if (!path) return
  try {
    // The save dialog asked before an existing file was chosen: replacing it is confirmed.
    if (kind === 'saveAs') await supervisor.call('project.saveAs', { path, overwrite: true })
    else {
      const running = await runningJobsChoice()
      if (running === null) return
      if (kind === 'create')
        await supervisor.call('project.create', { path, running, overwrite: true })
      else await supervisor.call('project.open', { path, running })
    }
  } catch (e) {
    dialog.showErrorBox('HEP Workbench', (e as Error).message)
  }
}

/**
 * Before the menu leaves the open project: when some of its jobs run, asks whether to keep them
 * running (their results still go into that project) or cancel them; null: the user stays.
 */
async function runningJobsChoice(): Promise<'keep' | 'cancel' | null | undefined> {
  const current = await supervisor.call('project.current', {})
  const jobs = current
    ? (await supervisor.call('jobs.list', {})).filter((j) => j.project === current.path)
    : []
  if (!jobs.length || !window) return undefined
  const { response } = await dialog.showMessageBox(window, {
    type: 'question',
    message: `${jobs.length === 1 ? 'A job is' : `${jobs.length} jobs are`} running in this project`,
    detail: `${jobs.map((j) => j.title).join(', ')}. Results go into this project even if you keep them running and open another.`,
    buttons: ['Keep running', 'Cancel them', 'Don’t close'],
    defaultId: 0,
    cancelId: 2,
  })
  return response === 0 ? 'keep' : response === 1 ? 'cancel' : null
}

function installMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          {
            label: 'New Project…',
            accelerator: 'CmdOrCtrl+N',
            click: () => void menuProject('create'),
          },
          {
            label: 'Open Project…',
            accelerator: 'CmdOrCtrl+O',
            click: () => void menuProject('open'),
          },
          {
            label: 'Save Project As…',
            accelerator: 'CmdOrCtrl+Shift+S',
            click: () => void menuProject('saveAs'),
          },
          { type: 'separator' },
          {
            // The window's Settings view (where work runs: this machine or a cluster).
            label: 'Settings…',
            accelerator: 'CmdOrCtrl+,',
            click: () => void window?.webContents.executeJavaScript("location.hash = 'settings'"),
          },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      {
        role: 'help',
        submenu: [
          {
            label: 'About HEP Workbench',
            click: () => void shell.openPath(join(app.getAppPath(), 'README.md')),
          },
        ],
      },
    ]),
  )
}

app.whenReady().then(() => {
  // No remote content, ever: refuse every request that is not our own files or devtools.
  session.defaultSession.webRequest.onBeforeRequest((details, cb) => {
    const ok =
      details.url.startsWith('file://') ||
      details.url.startsWith('devtools://') ||
      (process.env.ELECTRON_RENDERER_URL !== undefined &&
        details.url.startsWith(process.env.ELECTRON_RENDERER_URL))
    cb({ cancel: !ok })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  installIpc()
  installMenu()
  createWindow()
  supervisor.start().catch((e: unknown) => console.error('engine did not start:', e))
})

app.on('window-all-closed', () => {
  supervisor.stop()
  app.quit()
})
