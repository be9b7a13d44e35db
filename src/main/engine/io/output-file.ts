/**
 * Writing a file at a path the user chose (an export, a project copy): never over an existing
 * file unless the caller says so (the window asks "X exists. Replace it?" and sends the request
 * again with `overwrite: true`), never over a folder, and never half-written — the content goes
 * to a temporary file beside the target and is moved into place last.
 */
import { existsSync, linkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** The target of a write exists and the request did not allow replacing it. */
export class FileExistsError extends Error {
  override readonly name = 'FileExistsError'
  constructor(readonly path: string) {
    super(`${path} already exists; choose another name, or confirm replacing it`)
  }
}

/** A target that can never be written (a folder, a missing folder): the user must choose again. */
export class OutputPathError extends Error {
  override readonly name = 'OutputPathError'
}

/**
 * Checks that `path` (absolute) may be written: its folder exists, it is not a folder, and it
 * does not exist unless `overwrite`. Throws FileExistsError or OutputPathError.
 */
export function checkOutputPath(path: string, overwrite: boolean): void {
  const dir = dirname(path)
  if (!existsSync(dir))
    throw new OutputPathError(`cannot write ${path}: the folder ${dir} does not exist`)
  if (!existsSync(path)) return
  if (statSync(path).isDirectory())
    throw new OutputPathError(`cannot write ${path}: it is a folder; choose a file name`)
  if (!overwrite) throw new FileExistsError(path)
}

/** A temporary name beside `path` for this process (`.name.PID.what`), hidden from listings. */
export function tempPathFor(path: string, what: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${what}`)
}

/**
 * Moves the finished file `tmp` to `path` (same folder). With `overwrite` an existing file is
 * replaced atomically; without, the move fails with FileExistsError when `path` exists — also
 * when it appeared after an earlier check (a hard link cannot replace a file).
 */
export function moveIntoPlace(tmp: string, path: string, overwrite: boolean): void {
  if (overwrite) {
    renameSync(tmp, path)
    return
  }
  try {
    linkSync(tmp, path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new FileExistsError(path)
    // A filesystem without hard links (FAT, some network shares): check, then rename.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK'].includes(code ?? ''))
      throw e
    if (existsSync(path)) throw new FileExistsError(path)
    renameSync(tmp, path)
    return
  }
  rmSync(tmp, { force: true })
}

/**
 * Writes `data` to `path` (absolute) through a temporary file moved into place last, so a
 * failure leaves an existing file as it was and never a partial one. Refuses an existing file
 * unless `overwrite` (FileExistsError); other failures are OutputPathError naming the path.
 */
export function writeOutputFile(path: string, data: string | Uint8Array, overwrite: boolean): void {
  checkOutputPath(path, overwrite)
  const tmp = tempPathFor(path, 'writing')
  try {
    writeFileSync(tmp, data)
    moveIntoPlace(tmp, path, overwrite)
  } catch (e) {
    rmSync(tmp, { force: true })
    if (e instanceof FileExistsError) throw e
    throw new OutputPathError(`cannot write ${path}: ${(e as Error).message}`, { cause: e })
  }
}
