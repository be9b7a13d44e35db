/**
 * Opening ROOT files through jsroot (keys, directories, streamer infos, TTree metadata), with our
 * own file handle: jsroot's Node file class never closes its descriptor and reports a short read
 * as garbage; ours closes and names truncation. Also the narrow types of the jsroot objects we
 * use (jsroot ships no types for its modules).
 */
import { open, type FileHandle } from 'node:fs/promises'
import { InputError, asInputError, libraryReason } from './errors'
import { quietLibraryConsole } from './library-console'
import { loadZstd } from './wasm'

export interface JsObjArray<T> {
  arr: (T | null | undefined)[]
}
export interface JsLeaf {
  _typename: string
  fName: string
  fTitle: string
  fLen: number
  fIsUnsigned?: boolean
  fLeafCount?: JsLeaf | null
}
export interface JsBasket {
  fKeylen: number
  fLast: number
  fNevBuf: number
  fEntryOffset?: number[]
  fBufferRef?: { arr: DataView | null } | null
}
export interface JsBranch {
  _typename: string
  fName: string
  fClassName?: string
  fStreamerType?: number
  fID?: number
  fBranches: JsObjArray<JsBranch>
  fLeaves: JsObjArray<JsLeaf>
  fEntryOffsetLen: number
  fWriteBasket: number
  fMaxBaskets: number
  fBasketSeek: number[]
  fBasketBytes: number[]
  fBasketEntry: number[]
  fBaskets?: JsObjArray<JsBasket>
}
export interface JsTree {
  _typename: string
  fEntries: number
  fBranches: JsObjArray<JsBranch>
}
export interface JsKey {
  fName: string
  fClassName: string
  fCycle: number
}
export interface JsStreamerElement {
  fName: string
  fTypeName: string
}
export interface JsStreamerInfo {
  fElements?: JsObjArray<JsStreamerElement>
}
export interface JsDirectory {
  fKeys: JsKey[]
}
export interface JsFile extends JsDirectory {
  readObject(name: string, cycle?: number): Promise<unknown>
  readBuffer(place: number[]): Promise<DataView>
  findStreamerInfo(name: string): JsStreamerInfo | null | undefined
}
export interface JsrootIo {
  openFile(arg: unknown): Promise<JsFile>
  FileProxy: new () => object
  R__unzip(arr: DataView, size: number, noalert: boolean, shift: number): Promise<DataView | null>
}

let jsrootIo: Promise<JsrootIo> | undefined

/** jsroot is an ES module; a dynamic import works from the CJS bundle, tsx and vitest alike. */
function loadJsroot(): Promise<JsrootIo> {
  quietLibraryConsole()
  jsrootIo ??=
    // @ts-expect-error jsroot ships no types for 'jsroot/io'; narrowed to JsrootIo right here
    (import('jsroot/io') as Promise<unknown>).then((m) => m as JsrootIo)
  return jsrootIo
}

export interface OpenRoot {
  readonly file: JsFile
  readonly io: JsrootIo
  close(): Promise<void>
}

const ROOT_MAGIC = [0x72, 0x6f, 0x6f, 0x74] // "root"

async function openRoot(path: string): Promise<OpenRoot> {
  let fh: FileHandle
  try {
    fh = await open(path, 'r')
  } catch (e) {
    throw new InputError({ file: path }, `cannot open: ${libraryReason(e)}`, { cause: e })
  }
  try {
    const size = (await fh.stat()).size
    if (size === 0) throw new InputError({ file: path }, 'empty file (0 bytes), not a ROOT file')
    const head = Buffer.alloc(64)
    await fh.read(head, 0, 64, 0)
    if (!ROOT_MAGIC.every((b, i) => head[i] === b)) {
      throw new InputError({ file: path }, "not a ROOT file (does not start with 'root')")
    }
    const io = await loadJsroot()
    if (size >= 64 && compressionAlgorithm(head) === ZSTD) await lendZstdToJsroot()
    const proxy = makeProxy(io, path, fh, size)
    const file = await io.openFile(proxy).catch((e: unknown) => {
      throw new InputError(
        { file: path },
        `cannot read the ROOT file structure: ${libraryReason(e)}`,
        { cause: e },
      )
    })
    if (!file) throw new InputError({ file: path }, 'cannot read the ROOT file header')
    return { file, io, close: () => fh.close() }
  } catch (e) {
    await fh.close()
    throw e
  }
}

const ZSTD = 5

/** Algorithm of the file's default compression (TFile header fCompress / 100). */
function compressionAlgorithm(head: Buffer): number {
  const big = head.readInt32BE(4) >= 1000000 // 8-byte fEND and fSeekFree
  return Math.floor(head.readInt32BE(big ? 41 : 33) / 100)
}

/**
 * jsroot inflates keys (the TTree, streamer infos) itself and would load the zstd decoder its own
 * way, installing process-wide crash handlers (wasm.ts); hand it ours before it needs one.
 */
async function lendZstdToJsroot(): Promise<void> {
  const zstd = await loadZstd()
  const core =
    (await // @ts-expect-error jsroot ships no types for 'jsroot/core'; narrowed right here
    (import('jsroot/core') as Promise<unknown>)) as { internals: { _ZstdStream?: unknown } }
  core.internals._ZstdStream ??= zstd
}

function makeProxy(io: JsrootIo, path: string, fh: FileHandle, size: number): object {
  class NodeProxy extends io.FileProxy {
    async openFile(): Promise<boolean> {
      return true
    }
    getFileName(): string {
      return path
    }
    getFileSize(): number {
      return size
    }
    async readBuffer(pos: number, len: number): Promise<DataView> {
      if (pos < 0 || len < 0 || pos + len > size) {
        throw new Error(
          `needs bytes ${pos}..${pos + len} but the file has ${size} bytes (truncated?)`,
        )
      }
      const buf = Buffer.allocUnsafe(len)
      const { bytesRead } = await fh.read(buf, 0, len, pos)
      if (bytesRead !== len) throw new Error(`short read at byte ${pos} (truncated?)`)
      return new DataView(buf.buffer, buf.byteOffset, len)
    }
  }
  return new NodeProxy()
}

/**
 * Opens `path`, runs `fn`, and always closes the file. Whatever a damaged file makes jsroot
 * throw (TypeErrors on garbage objects) reaches the caller as an InputError naming the file.
 */
export async function withRoot<T>(path: string, fn: (r: OpenRoot) => Promise<T>): Promise<T> {
  const r = await openRoot(path)
  try {
    return await asInputError({ file: path }, 'damaged ROOT file', () => fn(r))
  } finally {
    await r.close()
  }
}
