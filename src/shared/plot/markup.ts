/**
 * TeX-like label markup, as ROOT and matplotlib users write it: `p_{T}`, `E_{T}^{miss}`, `#eta`
 * or `\eta`, `m_{\ell\ell} [GeV]`, `t#bar{t}`, `#sqrt{s}`, `$...$` (dropped). Parsed into runs of
 * text with a script level (sub/superscript) that the SVG renderer draws as tspans, and written
 * back as LaTeX for captions and HEPData. Unknown commands stay as typed, so nothing is lost.
 */

export interface MarkupRun {
  text: string
  /** 0 = baseline; −1 subscript, +1 superscript (nested scripts add up). */
  shift: number
  italic: boolean
  bold: boolean
  /** Draw a bar over the text (`#bar{t}`). */
  overline: boolean
}

/** Greek letters and symbols by command name (ROOT `#name` or LaTeX `\name`). */
const SYMBOLS: Record<string, string> = {
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  iota: 'ι',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  rho: 'ρ',
  sigma: 'σ',
  tau: 'τ',
  upsilon: 'υ',
  phi: 'φ',
  varphi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'Γ',
  Delta: 'Δ',
  Theta: 'Θ',
  Lambda: 'Λ',
  Xi: 'Ξ',
  Pi: 'Π',
  Sigma: 'Σ',
  Upsilon: 'Υ',
  Phi: 'Φ',
  Psi: 'Ψ',
  Omega: 'Ω',
  ell: 'ℓ',
  pm: '±',
  mp: '∓',
  times: '×',
  cdot: '·',
  to: '→',
  rightarrow: '→',
  leftarrow: '←',
  leq: '≤',
  le: '≤',
  geq: '≥',
  ge: '≥',
  neq: '≠',
  ne: '≠',
  approx: '≈',
  sim: '∼',
  infty: '∞',
  int: '∫',
  partial: '∂',
  sqrt: '√',
  circ: '°',
  prime: '′',
  minus: '−',
  gt: '>',
  lt: '<',
  hbar: 'ℏ',
  nabla: '∇',
  in: '∈',
  langle: '⟨',
  rangle: '⟩',
  ',': ' ',
  ';': ' ',
  ' ': ' ',
  quad: ' ',
}
const STYLE_COMMANDS = new Set([
  'it',
  'mathit',
  'bf',
  'mathbf',
  'textbf',
  'rm',
  'mathrm',
  'text',
  'textrm',
  'mbox',
  'bar',
  'overline',
  'sqrt',
])

interface State {
  shift: number
  italic: boolean
  bold: boolean
  overline: boolean
}

/** Parses markup into runs; adjacent runs of the same state are merged. */
export function parseMarkup(src: string): MarkupRun[] {
  const runs: MarkupRun[] = []
  const push = (text: string, s: State) => {
    if (!text) return
    const last = runs[runs.length - 1]
    if (
      last &&
      last.shift === s.shift &&
      last.italic === s.italic &&
      last.bold === s.bold &&
      last.overline === s.overline
    )
      last.text += text
    else runs.push({ text, ...s })
  }
  let i = 0
  /** Where the last script ended: a bare script right after one continues it (E_T^miss). */
  let lastScript = -1
  /**
   * Whether `_` or `^` at k starts a script: always before `{` or a command; bare, only after a
   * one-letter base (p_T, m_ll, E_T) or another script — so identifiers such as MET_pt or
   * DYJets_M50 keep their underscores.
   */
  const isScript = (k: number): boolean => {
    const next = src[k + 1] ?? ''
    if (next === '{' || next === '#' || next === '\\') return true
    if (!next) return false
    if (lastScript === k) return true
    let start = k
    while (start > 0 && /[A-Za-z0-9]/.test(src[start - 1])) start--
    return k - start === 1
  }
  // A group: `{...}` read recursively, or a single token (`_T`, `^2`, `_\ell`).
  const parseGroupOrToken = (s: State) => {
    if (src[i] === '{') {
      i++
      parseUntil('}', s)
      if (src[i] === '}') i++
    } else if (src[i] === '#' || src[i] === '\\') {
      parseCommand(s)
    } else if (i < src.length) {
      push(src[i], s)
      i++
    }
  }
  const parseCommand = (s: State) => {
    const start = i
    i++ // # or \
    let name = ''
    if (/[A-Za-z]/.test(src[i] ?? '')) while (/[A-Za-z]/.test(src[i] ?? '')) name += src[i++]
    else if (i < src.length) name = src[i++]
    if (name in SYMBOLS && !STYLE_COMMANDS.has(name)) {
      push(SYMBOLS[name], s)
      return
    }
    if (STYLE_COMMANDS.has(name)) {
      const inner: State = { ...s }
      if (name === 'it' || name === 'mathit') inner.italic = true
      if (name === 'bf' || name === 'mathbf' || name === 'textbf') inner.bold = true
      if (
        name === 'rm' ||
        name === 'mathrm' ||
        name === 'text' ||
        name === 'textrm' ||
        name === 'mbox'
      )
        inner.italic = false
      if (name === 'bar' || name === 'overline') inner.overline = true
      if (name === 'sqrt') push('√', s)
      if (src[i] === '{') parseGroupOrToken(inner)
      else if (name === 'sqrt') return
      return
    }
    if (
      name === '{' ||
      name === '}' ||
      name === '_' ||
      name === '^' ||
      name === '#' ||
      name === '$' ||
      name === '%' ||
      name === '&' ||
      name === '\\'
    ) {
      push(name, s)
      return
    }
    push(src.slice(start, i), s) // unknown: keep as typed
  }
  const parseUntil = (close: string | null, s: State) => {
    while (i < src.length && src[i] !== close) {
      const c = src[i]
      if ((c === '_' || c === '^') && isScript(i)) {
        i++
        const inner = { ...s, shift: s.shift + (c === '_' ? -1 : 1) }
        if (/[A-Za-z0-9]/.test(src[i] ?? '')) {
          // A bare script takes the word after it: E_T^miss, m_ll.
          let word = ''
          while (/[A-Za-z0-9]/.test(src[i] ?? '')) word += src[i++]
          push(word, inner)
        } else parseGroupOrToken(inner)
        lastScript = i
      } else if (c === '{') {
        i++
        parseUntil('}', s)
        if (src[i] === '}') i++
      } else if (c === '#' || c === '\\') parseCommand(s)
      else if (c === '$') i++
      else if (c === '}' && close === null)
        i++ // a stray brace closes nothing
      else if (/[\u0304\u0305]/.test(src[i + 1] ?? '')) {
        // A combining bar typed in Unicode (t̄): drawn as a bar over the letter.
        push(c, { ...s, overline: true })
        i += 2
      } else {
        push(c === '-' && /\d/.test(src[i + 1] ?? '') ? '−' : c, s)
        i++
      }
    }
  }
  parseUntil(null, { shift: 0, italic: false, bold: false, overline: false })
  return runs
}

/**
 * Runs with single-letter variables set in italic, as math typesetting does: a Latin letter
 * standing alone at the baseline with a subscript (`m` of m_{ℓℓ}, `p` of p_{T}) or under a root
 * (`s` of √s); particle names (Z→μμ, tt̄), words and scripts (the `T` of p_{T}) stay upright.
 */
export function italicVariables(runs: MarkupRun[]): MarkupRun[] {
  const chars = runs.flatMap((r) => [...r.text].map((ch) => ({ ch, run: r })))
  const isLetter = (k: number) => k >= 0 && k < chars.length && /[A-Za-z]/.test(chars[k].ch)
  const out: MarkupRun[] = []
  chars.forEach(({ ch, run }, k) => {
    const italic =
      run.italic ||
      (run.shift === 0 &&
        !run.overline &&
        /[A-Za-z]/.test(ch) &&
        !(isLetter(k - 1) && chars[k - 1].run.shift === 0) &&
        !(isLetter(k + 1) && chars[k + 1].run.shift === 0) &&
        ((k + 1 < chars.length && chars[k + 1].run.shift < 0) ||
          (k > 0 && chars[k - 1].ch === '√')))
    const last = out[out.length - 1]
    if (
      last &&
      last.shift === run.shift &&
      last.italic === italic &&
      last.bold === run.bold &&
      last.overline === run.overline
    )
      last.text += ch
    else out.push({ ...run, text: ch, italic })
  })
  return out
}

/** `text` as markup that reads as itself (a column name such as MET_pt or DER_mass_MMC). */
export function escapeMarkup(text: string): string {
  return text.replace(/[\\_^#{}$]/g, (c) => `\\${c}`)
}

/** The label as plain Unicode text (scripts inline): for titles, file names and tests. */
export function markupText(src: string): string {
  return parseMarkup(src)
    .map((r) => (r.overline ? [...r.text].map((c) => `${c}\u0304`).join('') : r.text))
    .join('')
}

const LATEX_OF: Record<string, string> = Object.fromEntries(
  Object.entries(SYMBOLS)
    .filter(([k]) => /^[A-Za-z]+$/.test(k))
    .map(([k, v]) => [v, `\\${k}`]),
)
Object.assign(LATEX_OF, {
  ε: '\\epsilon',
  φ: '\\phi',
  '→': '\\rightarrow',
  '≤': '\\leq',
  '≥': '\\geq',
  '≠': '\\neq',
  '−': '-',
  ' ': '\\,',
  '>': '>',
  '<': '<',
})
delete LATEX_OF[' ']

const escapeText = (t: string) => t.replace(/[%&#_{}$]/g, (c) => `\\${c}`).replace(/−/g, '-')

/** One character with its run's state. */
interface Glyph {
  ch: string
  run: MarkupRun
}

/** A word (no space at the baseline) written in math mode: scripts, symbols and bars. */
function mathWord(glyphs: Glyph[]): string {
  let out = ''
  let k = 0
  while (k < glyphs.length) {
    const run = glyphs[k].run
    let text = ''
    while (k < glyphs.length && glyphs[k].run === run) text += glyphs[k++].ch
    let body = ''
    let plain = ''
    const flush = () => {
      if (!plain) return
      // Multi-letter text (miss, lead) is upright; single letters stay math italic (p, T).
      body += /[A-Za-z]{2,}/.test(plain) ? `\\mathrm{${escapeText(plain)}}` : escapeText(plain)
      plain = ''
    }
    for (const ch of text) {
      const cmd = LATEX_OF[ch]
      if (cmd && cmd.startsWith('\\')) {
        flush()
        body += `${cmd}${/[A-Za-z]$/.test(cmd) ? ' ' : ''}`
      } else plain += ch
    }
    flush()
    body = body.replace(/ $/, '')
    if (run.overline) body = `\\bar{${body}}`
    if (run.bold) body = `\\mathbf{${body}}`
    let wrapped = body
    for (let d = 0; d < Math.abs(run.shift); d++)
      wrapped = `${run.shift < 0 ? '_' : '^'}{${wrapped}}`
    out += wrapped
  }
  return `$${out}$`
}

/**
 * The label as LaTeX: words with scripts, symbols or bars in math mode, the rest as text with
 * %, &, #, _ escaped — `m_{\ell\ell} [GeV]` → `$m_{\ell\ell}$ [GeV]`, `#eta` → `$\eta$`,
 * `E_{T}^{miss}` → `$E_{T}^{\mathrm{miss}}$`.
 */
export function markupToLatex(src: string): string {
  const glyphs: Glyph[] = []
  for (const run of parseMarkup(src)) for (const ch of run.text) glyphs.push({ ch, run })
  let out = ''
  let word: Glyph[] = []
  const flush = () => {
    const needsMath = word.some(
      (g) => g.run.shift !== 0 || g.run.overline || (LATEX_OF[g.ch] ?? '').startsWith('\\'),
    )
    out += needsMath ? mathWord(word) : escapeText(word.map((g) => g.ch).join(''))
    word = []
  }
  for (const g of glyphs) {
    if (g.run.shift === 0 && /\s/.test(g.ch)) {
      flush()
      out += g.ch
    } else word.push(g)
  }
  flush()
  return out
}
