/**
 * The one error type every reader throws for bad input: a file that is missing, truncated, of
 * the wrong format, or whose content does not fit what was asked for. It names where the
 * problem is (file, and where it applies table, line, column, branch) so the CLI and the UI can
 * show it as is; anything else that escapes a reader is a bug, not bad input.
 */
export interface InputLocation {
  /** Path of the file as given by the caller. */
  readonly file: string
  /** Tree / dataset group / table inside the file. */
  readonly table?: string
  /** 1-based line of a text file (CSV). */
  readonly line?: number
  /** Column name (or 1-based column number when the header has none). */
  readonly column?: string
  /** ROOT branch. */
  readonly branch?: string
}

export class InputError extends Error implements InputLocation {
  readonly file: string
  readonly table?: string
  readonly line?: number
  readonly column?: string
  readonly branch?: string
  /** The message without the location prefix. */
  readonly reason: string

  constructor(where: InputLocation, reason: string, options?: { cause?: unknown }) {
    super(`${formatLocation(where)}: ${reason}`, options)
    this.name = 'InputError'
    this.file = where.file
    this.table = where.table
    this.line = where.line
    this.column = where.column
    this.branch = where.branch
    this.reason = reason
  }
}

/** "file.csv, line 12, column 'pt'" — the prefix of every InputError message. */
export function formatLocation(w: InputLocation): string {
  const parts = [w.file]
  if (w.table !== undefined) parts.push(`table '${w.table}'`)
  if (w.branch !== undefined) parts.push(`branch '${w.branch}'`)
  if (w.line !== undefined) parts.push(`line ${w.line}`)
  if (w.column !== undefined) parts.push(`column '${w.column}'`)
  return parts.join(', ')
}

/** The message of anything thrown, for wrapping library errors into an InputError. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * What a library's exception on broken bytes means, in words, on one line. JavaScript engine
 * errors thrown from inside a decoder ("Offset is outside the bounds of the DataView", "Cannot
 * read properties of undefined") say where the library tripped, not what is wrong with the
 * file; they become a sentence about the data. Messages of our own and libraries' own
 * sentences pass through (first line only). Use it for every error a reader wraps.
 */
export function libraryReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code
  if (code === 'ENOENT') return 'no such file'
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EISDIR') return 'is a directory, not a file'
  const msg = errorMessage(e)
  if (msg.includes('HDF5-DIAG')) return hdf5Reason(msg)
  for (const [re, words] of LIBRARY_WORDS) {
    const m = re.exec(msg)
    if (m) return typeof words === 'string' ? words : words(m)
  }
  if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError)
    return 'damaged data (the reader met a value that cannot occur in a valid file)'
  // WebAssembly.RuntimeError (a decoder's abort or trap); Node's types have no value for it.
  if (e instanceof Error && e.name === 'RuntimeError')
    return 'damaged data (the decoder stopped on it)'
  const line = msg.split('\n')[0].trim()
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

/**
 * HDF5's error stack (`HDF5-DIAG: … #000: H5F.c line 821 in H5Fopen(): unable to open file …`)
 * as one line: the innermost entry says the cause ("incorrect metadata checksum after all read
 * attempts"), the outermost what failed.
 */
function hdf5Reason(msg: string): string {
  const entries = [...msg.matchAll(/#\d+:.*? in [\w.]+\(\): ([^\n]+)/g)].map((m) => m[1].trim())
  if (!entries.length) return 'damaged HDF5 data'
  const outer = entries[0].replace(/^unable to synchronously /, 'unable to ')
  const inner = entries[entries.length - 1]
  return entries.length > 1 && inner !== outer ? `${outer}: ${inner}` : outer
}

const LIBRARY_WORDS: [RegExp, string | ((m: RegExpExecArray) => string)][] = [
  [
    /outside the bounds of the DataView|out of bounds|beyond the end|past the end/i,
    'a record runs past the end of its data (truncated or damaged)',
  ],
  [
    /Cannot read propert|is not a function|is not iterable|Cannot convert undefined or null|is not an object|undefined is not|null is not/i,
    'an object the file refers to is missing or malformed (damaged data)',
  ],
  [
    /Invalid typed array length|Invalid array length|Array buffer allocation failed|Invalid string length|Invalid count value/i,
    'a length or count in the file holds an impossible value (damaged data)',
  ],
  [/Maximum call stack/i, 'objects nest without end (a damaged reference loop)'],
  [
    /Fail(?:ed)? to UNZIP buffer for (\w+)/i,
    (m) =>
      `the compressed ${m[1] === 'StreamerInfo' ? 'streamer info' : m[1]} cannot be inflated (damaged)`,
  ],
  [
    /parquet metadata length (\d+) exceeds available buffer (\d+)/i,
    (m) =>
      `the footer gives ${m[1]} bytes of metadata but only ${m[2]} precede it (damaged or truncated)`,
  ],
  [/thrift|without STOP/i, 'the Parquet footer (Thrift metadata) is damaged'],
  [/name not defined/i, 'an object of the file cannot be opened (damaged HDF5 metadata)'],
]

/**
 * Runs `fn`, turning any error that is not already an InputError (library exceptions on broken
 * bytes, fs errors) into one at `where`, so the caller sees a single error type.
 */
export async function asInputError<T>(
  where: InputLocation,
  what: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    if (e instanceof InputError) throw e
    if (isCancel(e)) throw e
    throw new InputError(where, `${what}: ${libraryReason(e)}`, { cause: e })
  }
}

function isCancel(e: unknown): boolean {
  return e instanceof Error && e.name === 'CancelledError'
}
