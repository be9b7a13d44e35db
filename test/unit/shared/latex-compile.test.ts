/**
 * LaTeX exports compile with pdflatex (issue 17, item 22): a real cut-flow (Zmumu.root through a
 * spec whose samples, cuts and caption hold Σ, ε, μ, ≥, t̄ …), the regions table (✓ marks,
 * `&&` expressions) and a table of every symbol the exporter knows, each typeset by pdflatex in
 * a minimal document. Without pdflatex (Debian: texlive-latex-base) the compile checks are
 * skipped with a one-line notice; CI installs it (.ci/run).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cutflowOfSpec } from '../../../src/main/engine/app/run-spec'
import { cutflowTable } from '../../../src/shared/format/cutflow'
import { latexText } from '../../../src/shared/format/latex'
import { regionsTable } from '../../../src/shared/format/regions-table'
import { formatTable, type Table } from '../../../src/shared/format/table'
import { parseSpec } from '../../../src/shared/spec'
import { SKHEP } from '../io/shared-data'

const ZMUMU = SKHEP + 'uproot-Zmumu.root'
const PDFLATEX = spawnSync('pdflatex', ['--version'], { encoding: 'utf8' }).status === 0
if (!PDFLATEX)
  console.warn(
    'pdflatex not found: LaTeX compile checks skipped (apt-get install texlive-latex-base)',
  )

/**
 * Typesets `body` with pdflatex; returns its error lines ('' when it compiled). booktabs is in
 * texlive-latex-recommended, not -base: without it the rules are plain \hline (the table
 * syntax the export writes is what is under test).
 */
function compile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hepwb-tex-'))
  const doc = [
    '\\documentclass{article}',
    '\\usepackage{amssymb}',
    '\\IfFileExists{booktabs.sty}{\\usepackage{booktabs}}{\\newcommand\\toprule{\\hline}\\newcommand\\midrule{\\hline}\\newcommand\\bottomrule{\\hline}}',
    '\\begin{document}',
    body,
    '\\end{document}',
  ].join('\n')
  writeFileSync(join(dir, 'doc.tex'), doc)
  const r = spawnSync(
    'pdflatex',
    ['-interaction=nonstopmode', '-halt-on-error', '-no-shell-escape', 'doc.tex'],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 },
  )
  if (r.status === 0) return ''
  const lines = r.stdout.split('\n')
  const i = lines.findIndex((l) => l.startsWith('!'))
  return lines.slice(Math.max(0, i), i + 4).join('\n') || `pdflatex exited ${r.status}`
}

/** Only what pdflatex reads without a Unicode declaration: ASCII and Latin-1. */
function pdflatexSafe(tex: string): boolean {
  return [...tex].every((c) => c.codePointAt(0)! < 0x100)
}

async function zmumuCutflow() {
  const r = parseSpec({
    samples: [
      { name: 'Z→μμ', role: 'background', group: 'Z+jets', files: [ZMUMU], tree: 'events' },
      { name: 'tt̄ (ε = 0.5)', role: 'signal', files: [ZMUMU], tree: 'events', weight: 'pt1 / 50' },
    ],
    regions: [
      {
        name: 'SR_μμ',
        cuts: [
          { name: 'opposite charge (Q₁Q₂ < 0)', expr: 'Q1*Q2 < 0' },
          { name: 'm_μμ ≥ 80 GeV', expr: 'M >= 80' },
          { name: 'Σp_T > 60 GeV', expr: 'pt1 + pt2 > 60' },
        ],
      },
    ],
  })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return cutflowOfSpec(r.spec, { sigmaB: 0.1 })
}

describe('latexText', () => {
  it('writes Greek, math symbols and accents as math, specials escaped', () => {
    expect(latexText('Σw ± √Σw²')).toBe('$\\Sigma$w $\\pm$ $\\surd\\Sigma$w$^{2}$')
    expect(latexText('ε_S')).toBe('$\\epsilon$\\_S')
    expect(latexText('tt̄')).toBe('t$\\bar{t}$')
    expect(latexText('σ_b = 0.1 B')).toBe('$\\sigma$\\_b = 0.1 B')
    expect(latexText('Z→μμ')).toBe('Z$\\rightarrow\\mu\\mu$')
    expect(latexText('m ≥ 80 & 50% #1 $5 {x} ~ ^')).toBe(
      'm $\\geq$ 80 \\& 50\\% \\#1 \\$5 \\{x\\} \\textasciitilde{} \\textasciicircum{}',
    )
    // Latin-1 letters pass through (utf8 input handles them); a command then a letter gets a space.
    expect(latexText('Café Müller')).toBe('Café Müller')
    expect(latexText('ΣΔw')).toBe('$\\Sigma\\Delta$w')
    expect(latexText('νw̄')).toBe('$\\nu\\bar{w}$')
    // Scripts in a row are one script (two would be a "Double superscript" error).
    expect(latexText('GeV⁻¹ x²³')).toBe('GeV$^{-1}$ x$^{23}$')
    // Nothing is lost silently: an unknown character is named.
    expect(latexText('★')).toBe('[U+2605]')
  })

  it('never writes $$ (display math) between math pieces', () => {
    for (const s of ['Σ²', 'ε√', '−1', 'μ⁺μ⁻', 't̄t̄', 'α β'])
      expect(formatTable({ columns: [{ label: s }], rows: [[s]] }, 'latex')).not.toContain('$$')
  })
})

describe.skipIf(!PDFLATEX)('LaTeX exports compile with pdflatex', () => {
  it('a real cut-flow with Σ, ε, μ, ≥ and t̄, with efficiencies and Z_A(σ_b)', async () => {
    const result = await zmumuCutflow()
    for (const by of ['sample', 'group'] as const) {
      const tex = formatTable(
        cutflowTable(result, 'SR_μμ', { by, raw: true, efficiency: true }),
        'latex',
      )
      expect(tex).toContain('$\\Sigma$w')
      expect(pdflatexSafe(tex)).toBe(true)
      expect(compile(tex)).toBe('')
    }
  }, 60_000)

  it('the regions table, marks and expressions', () => {
    const regions = [
      { name: 'presel', cuts: [{ name: 'p_T ≥ 25 GeV', expr: 'pt > 25' }] },
      {
        name: 'SR',
        parent: 'presel',
        blinded: true,
        cuts: [{ name: 'm_bb window', expr: 'mbb > 100 && mbb < 140' }],
      },
      { name: 'CR_tt̄', parent: 'presel', cuts: [{ expr: 'nb >= 2 || met < 50' }] },
    ]
    for (const cells of ['mark', 'expr'] as const) {
      const tex = formatTable(regionsTable(regions, { cells }), 'latex')
      expect(pdflatexSafe(tex)).toBe(true)
      expect(compile(tex)).toBe('')
    }
  })

  it('every symbol the exporter knows, and numbers with signs', () => {
    const symbols =
      'αβγδεζηθικλμνξοπρςστυφχψω ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ ±∓×÷·−√≤≥≠≈∼∝∞→←↔∈∑∫∂∇°′ℓħµϵϑϕ ⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻ ₀₁₂₃₄₅₆₇₈₉₊₋ ✓• àéîõü–—‘’“”… t̄ b̄ ν̄ q̂ x̃ ṗ p⃗ ★'
    const t: Table = {
      columns: [{ label: 'Symbols' }, { label: 'Value', align: 'right' }],
      rows: [
        [symbols, '-1.5'],
        ['μ_SIG', '−0.25 ± 0.10'],
      ],
      caption: 'All of Σ, ε, t̄',
    }
    const tex = formatTable(t, 'latex')
    expect(pdflatexSafe(tex)).toBe(true)
    expect(compile(tex)).toBe('')
  })
})
