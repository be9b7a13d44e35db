/**
 * Tables physicists paste into notes: the same rows as CSV, Markdown or LaTeX (booktabs).
 * Numbers are formatted by the caller (cells are strings), so every format shows the same digits.
 */
import { latexText } from './latex'

export interface TableColumn {
  label: string
  /** Numbers right-aligned, text left. */
  align?: 'left' | 'right'
}

export interface Table {
  columns: TableColumn[]
  rows: string[][]
  caption?: string
}

export type TableFormat = 'csv' | 'markdown' | 'latex'

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function markdownCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** Escapes LaTeX specials and writes Unicode as pdflatex needs it; a number's leading minus is a math minus. */
function latexCell(s: string): string {
  return /^-\d/.test(s) ? `$-$${latexText(s.slice(1))}` : latexText(s)
}

export function toCsv(t: Table): string {
  return (
    [t.columns.map((c) => csvCell(c.label)), ...t.rows.map((r) => r.map(csvCell))]
      .map((r) => r.join(','))
      .join('\n') + '\n'
  )
}

export function toMarkdown(t: Table): string {
  const head = `| ${t.columns.map((c) => markdownCell(c.label)).join(' | ')} |`
  const rule = `|${t.columns.map((c) => (c.align === 'right' ? ' ---: ' : ' --- ')).join('|')}|`
  const body = t.rows.map((r) => `| ${r.map(markdownCell).join(' | ')} |`)
  return [head, rule, ...body].join('\n') + '\n'
}

export function toLatex(t: Table): string {
  const spec = t.columns.map((c) => (c.align === 'right' ? 'r' : 'l')).join('')
  const lines = [
    '\\begin{table}[htbp]',
    '  \\centering',
    ...(t.caption ? [`  \\caption{${latexCell(t.caption)}}`] : []),
    `  \\begin{tabular}{${spec}}`,
    '    \\toprule',
    `    ${t.columns.map((c) => latexCell(c.label)).join(' & ')} \\\\`,
    '    \\midrule',
    ...t.rows.map((r) => `    ${r.map(latexCell).join(' & ')} \\\\`),
    '    \\bottomrule',
    '  \\end{tabular}',
    '\\end{table}',
  ]
  return lines.join('\n') + '\n'
}

export function formatTable(t: Table, format: TableFormat): string {
  return format === 'csv' ? toCsv(t) : format === 'markdown' ? toMarkdown(t) : toLatex(t)
}

/** A value with its uncertainty at a precision set by the uncertainty (2 significant digits). */
export function valueWithError(value: number, error: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (!(error > 0) || !Number.isFinite(error)) return formatNumber(value)
  const digits = Math.max(0, 1 - Math.floor(Math.log10(error)))
  return `${value.toFixed(digits)} ± ${error.toFixed(digits)}`
}

/** A number with 4 significant digits, without exponent for everyday magnitudes. */
export function formatNumber(v: number, significant = 4): string {
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1e6 || a < 1e-3) return v.toExponential(significant - 1)
  return String(Number(v.toPrecision(significant)))
}
