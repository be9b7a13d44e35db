/**
 * Text for pdflatex: LaTeX specials escaped, and the Unicode a physics table holds (Σ, ε, √, ±,
 * ≥, ², t̄, ✓ …) written as math commands (`$\Sigma$`, `$\epsilon$`, `t$\bar{t}$`), because
 * pdflatex stops at a raw Greek letter or combining accent ("Unicode character Σ (U+03A3) not
 * set up for use with LaTeX"). Latin-1 letters (é, ü, ß) pass through (the default utf8 input
 * encoding handles them); dashes and quotes become `--`, `---`, ``…''. Any other character is
 * written as `[U+XXXX]`, so the file always compiles and nothing vanishes unseen. Needs
 * `amssymb` only for ✓.
 */

const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
}

const GREEK_LOWER =
  'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi o pi rho varsigma sigma tau upsilon phi chi psi omega'
const GREEK_UPPER =
  'A B Gamma Delta E Z H Theta I K Lambda M N Xi O Pi P - Sigma T Upsilon Phi X Psi Omega'

/** Characters written in math mode (the command inside `$…$`). */
const MATH: Record<string, string> = {
  '±': '\\pm',
  '∓': '\\mp',
  '×': '\\times',
  '÷': '\\div',
  '·': '\\cdot',
  '−': '-',
  '√': '\\surd',
  '≤': '\\leq',
  '≥': '\\geq',
  '≠': '\\neq',
  '≈': '\\approx',
  '∼': '\\sim',
  '∝': '\\propto',
  '∞': '\\infty',
  '→': '\\rightarrow',
  '←': '\\leftarrow',
  '↔': '\\leftrightarrow',
  '∈': '\\in',
  '∑': '\\sum',
  '∫': '\\int',
  '∂': '\\partial',
  '∇': '\\nabla',
  '°': '^{\\circ}',
  '′': '^{\\prime}',
  ℓ: '\\ell',
  ħ: '\\hbar',
  µ: '\\mu',
  ϵ: '\\epsilon',
  ϑ: '\\vartheta',
  ϕ: '\\phi',
  '⁺': '^{+}',
  '⁻': '^{-}',
  '₊': '_{+}',
  '₋': '_{-}',
}
GREEK_LOWER.split(' ').forEach((n, i) => {
  // U+03C2 (final sigma) sits between ρ and σ, so the list carries it as "varsigma".
  MATH[String.fromCodePoint(0x3b1 + i)] = n.length === 1 ? n : `\\${n}`
})
GREEK_UPPER.split(' ').forEach((n, i) => {
  if (n !== '-')
    MATH[String.fromCodePoint(0x391 + i)] = n.length === 1 ? `\\mathrm{${n}}` : `\\${n}`
})
'⁰¹²³⁴⁵⁶⁷⁸⁹'.split('').forEach((c, d) => (MATH[c] = `^{${d}}`))
'₀₁₂₃₄₅₆₇₈₉'.split('').forEach((c, d) => (MATH[c] = `_{${d}}`))

/** Text-mode commands for symbols outside math. */
const TEXT: Record<string, string> = {
  '✓': '\\checkmark{}',
  '•': '\\textbullet{}',
  '–': '--',
  '—': '---',
  '‘': '`',
  '’': "'",
  '“': '``',
  '”': "''",
  '…': '\\ldots{}',
}

/** Combining marks (after their base letter) → math accents: t̄ → `$\bar{t}$`. */
const ACCENT: Record<string, string> = {
  '\u0300': '\\grave',
  '\u0301': '\\acute',
  '\u0302': '\\hat',
  '\u0303': '\\tilde',
  '\u0304': '\\bar',
  '\u0305': '\\bar',
  '\u0306': '\\breve',
  '\u0307': '\\dot',
  '\u0308': '\\ddot',
  '\u030C': '\\check',
  '\u20D7': '\\vec',
}

/** What pdflatex's default utf8 input encoding typesets in any font encoding: Latin-1. */
function passesThrough(c: string): boolean {
  const u = c.codePointAt(0) ?? 0
  return u < 0x80 || (u >= 0xa0 && u <= 0xff)
}

/**
 * `s` as LaTeX text. Math pieces next to each other share one `$…$` (never `$$`, which would
 * open display math); a combining accent takes the letter before it into math.
 */
export function latexText(s: string): string {
  const parts: { math: boolean; text: string }[] = []
  const push = (math: boolean, text: string) => {
    const last = parts[parts.length - 1]
    if (!last || last.math !== math) {
      parts.push({ math, text })
      return
    }
    // Scripts in a row are one script (⁻¹ → ^{-1}; ^{-}^{1} is a "Double superscript").
    const script = /^([\^_])\{(.*)\}$/.exec(text)
    if (
      math &&
      script &&
      last.text.endsWith('}') &&
      /([\^_])\{[^{}]*\}$/.exec(last.text)?.[1] === script[1]
    )
      last.text = `${last.text.slice(0, -1)}${script[2]}}`
    // A command followed by a letter in the same `$…$` needs a space: `\Sigma w`, not `\Sigmaw`.
    else if (math && /\\[A-Za-z]+$/.test(last.text) && /^[A-Za-z]/.test(text))
      last.text += ` ${text}`
    else last.text += text
  }
  // Composed (NFC), so é stays one Latin-1 letter; t̄ has no composed form and keeps its mark.
  const chars = [...s.normalize('NFC')]
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]
    const accent = ACCENT[chars[i + 1] ?? '']
    if (accent && c.trim()) {
      // The base letter goes inside the accent: a Greek one as its command.
      const base = MATH[c] ?? (/[A-Za-z0-9]/.test(c) ? c : null)
      if (base !== null) {
        push(true, `${accent}{${base}}`)
        i++
        continue
      }
    }
    if (c in SPECIAL) push(false, SPECIAL[c])
    else if (c in MATH) push(true, MATH[c])
    else if (c in TEXT) push(false, TEXT[c])
    else if (c.codePointAt(0)! >= 0x300 && c.codePointAt(0)! <= 0x36f)
      continue // stray mark
    else if (passesThrough(c)) push(false, c)
    else push(false, `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`)
  }
  return parts.map((p) => (p.math ? `$${p.text}$` : p.text)).join('')
}
