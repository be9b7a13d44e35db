/**
 * Whether two paths name the same file — by identity, not spelling: `dir/./p.hepwb`,
 * `dir/../dir/p.hepwb`, a relative path, a symbolic link and a hard link all name `dir/p.hepwb`.
 */
import { realpathSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'

/** True when `a` and `b` are the same file (same device and inode, or the same real path). */
export function sameFile(a: string, b: string): boolean {
  const sa = statOrNull(a)
  const sb = statOrNull(b)
  // Inode 0: a filesystem without stable inode numbers (FAT on Windows); fall back to the path.
  if (sa && sb && sa.ino !== 0 && sb.ino !== 0) return sa.dev === sb.dev && sa.ino === sb.ino
  return realPath(a) === realPath(b)
}

function statOrNull(path: string): { dev: number; ino: number } | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}

/** The real path of `path`; for a file not there yet, its folder's real path and its name. */
function realPath(path: string): string {
  const abs = resolve(path)
  try {
    return realpathSync.native(abs)
  } catch {
    try {
      return join(realpathSync.native(dirname(abs)), basename(abs))
    } catch {
      return abs
    }
  }
}
