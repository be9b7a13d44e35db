/**
 * The cut editor's side of an edit: every cut checked here at each keystroke with
 * src/shared/expr (the parser, and the checker against the project's symbol table), and one
 * `cuts.update` — check, save, cut-flow — sent `debounceMs` after the last keystroke of a burst
 * of typing, instead of a request per cut per keystroke. Plain TypeScript (no Vue, no api/), so
 * a test drives it against a real engine.
 */
import type { CutsRegion, CutsSymbols, CutsUpdate } from '../../../shared/contract/cuts'
import { checkScalar, parse, type SymbolTable } from '../../../shared/expr'

/** The project's symbol table as the editor keeps it (cuts.symbols). */
export interface EditorSymbols {
  readonly table: SymbolTable
  readonly problem: string | null
  /** The engine's fingerprint of the table: an answer with another one means this is stale. */
  readonly key: string
}

export function editorSymbols(s: CutsSymbols): EditorSymbols {
  return {
    table: new Map(s.symbols.map((r) => [r.name, { jagged: r.jagged }])),
    problem: s.problem,
    key: s.key,
  }
}

/** A cut checked in the window. */
export type CutCheck =
  | { readonly ok: true }
  | {
      readonly ok: false
      /** As the engine words it: `unknown variable 'Mas' at 0 (did you mean 'M'?)`. */
      readonly message: string
      readonly position: number
      readonly end: number
      /**
       * The text itself is wrong (empty, a syntax error): true whatever the project holds, so no
       * request is sent. Otherwise (an unknown name, a list where one value is needed) the
       * engine's newer symbol table might disagree, and the edit is still sent.
       */
      readonly syntax: boolean
    }

/**
 * Checks a cut as the engine would (a cut: one value per event). Without a symbol table yet
 * (`null`: still loading) only the syntax is checked. `role` names what must be one value per
 * event in the message (the Fit build's 'the observable' is checked the same way).
 */
export function checkCut(expr: string, symbols: EditorSymbols | null, role = 'a cut'): CutCheck {
  if (!expr.trim())
    return { ok: false, message: 'an expression is required', position: 0, end: 0, syntax: true }
  const parsed = parse(expr)
  if (!parsed.ok) {
    const { message, position, end } = parsed.error
    return { ok: false, message, position, end, syntax: true }
  }
  if (!symbols) return { ok: true }
  if (symbols.problem !== null)
    return { ok: false, message: symbols.problem, position: 0, end: 0, syntax: false }
  const r = checkScalar(expr, symbols.table, role)
  if (r.ok) return { ok: true }
  const { message, position, end } = r.error
  return { ok: false, message, position, end, syntax: false }
}

export interface CutEditsOptions {
  /** Sends one edit (the engine's cuts.update). */
  update(region: CutsRegion): Promise<CutsUpdate>
  /** The symbol table to check against (null while it loads). */
  symbols(): EditorSymbols | null
  /** Quiet time after the last edit before it is sent, ms. */
  debounceMs: number
}

/** What one keystroke gets: the checks at once, and the engine's answer later. */
export interface Edit {
  readonly checks: readonly CutCheck[]
  /**
   * The engine's answer to this edit; null when nothing was sent (a syntax error) or a later
   * edit replaced this one before its answer came. Rejects when the request fails.
   */
  readonly answer: Promise<CutsUpdate | null>
}

interface Waiting {
  readonly region: CutsRegion
  readonly generation: number
  readonly timer: ReturnType<typeof setTimeout>
  resolve(a: CutsUpdate | null): void
  reject(e: unknown): void
}

export function cutEdits(options: CutEditsOptions) {
  /** The edit waiting for the quiet time to pass, until it is sent or replaced. */
  let waiting: Waiting | null = null
  /** Settles when the edit last sent has its answer (never rejects). */
  let inFlight: Promise<void> = Promise.resolve()
  /** Counts edits: an answer is kept only for the latest. */
  let generation = 0

  function drop(): void {
    if (!waiting) return
    clearTimeout(waiting.timer)
    waiting.resolve(null)
    waiting = null
  }

  function send(w: Waiting): Promise<void> {
    clearTimeout(w.timer)
    waiting = null
    inFlight = options.update(w.region).then(
      // An answer that a later edit overtook is not the editor's state any more.
      (a) => w.resolve(w.generation === generation ? a : null),
      (e: unknown) => (w.generation === generation ? w.reject(e) : w.resolve(null)),
    )
    return inFlight
  }

  return {
    /**
     * The region with its cuts as now typed: checked here; sent after the quiet time unless a
     * cut has a syntax error (then an edit still waiting is dropped too: it is out of date).
     */
    edit(region: CutsRegion): Edit {
      const symbols = options.symbols()
      const checks = region.cuts.map((c) => checkCut(c.expr, symbols))
      const mine = ++generation
      drop()
      if (checks.some((c) => !c.ok && c.syntax)) return { checks, answer: Promise.resolve(null) }
      const answer = new Promise<CutsUpdate | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (waiting) void send(waiting)
        }, options.debounceMs)
        waiting = { region, generation: mine, timer, resolve, reject }
      })
      return { checks, answer }
    },
    /**
     * Sends the waiting edit now (the user moved on: another region, a dragged threshold);
     * settles when the last edit sent has its answer.
     */
    flush(): Promise<void> {
      return waiting ? send(waiting) : inFlight
    },
    /** Drops the waiting edit and ignores answers still to come (another project opened). */
    cancel(): void {
      generation++
      drop()
    },
  }
}
