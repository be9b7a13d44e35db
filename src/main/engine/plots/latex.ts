/**
 * The LaTeX snippet that includes an exported figure: `\begin{figure}`, `\includegraphics` at the
 * figure's own width (so its text keeps the size it was drawn at), and a caption pre-filled from
 * the provenance — what is shown, the selection, the samples, luminosity and energy, and what the
 * error bars mean — for the author to edit rather than to write.
 */
import type { SavedPlot } from '../../../shared/plot/saved-plot'
import { escapeMarkup, markupText, markupToLatex } from '../../../shared/plot/markup'
import { figureSizeCm } from '../../../shared/plot/styles'

const esc = (t: string) => markupToLatex(t)

function list(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`
}

/** A file-name-safe slug of a plot's name (letters, digits, '-'). */
export function plotSlug(name: string): string {
  const s = markupText(name)
    .normalize('NFKD')
    .replace(/[^\w-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
  return s || 'plot'
}

/** The caption text (LaTeX) of a saved plot. */
export function caption(p: SavedPlot): string {
  const f = p.figure
  const s = p.settings
  const prov = p.provenance
  const parts: string[] = []
  const where = prov.region
    ? ` in the ${esc(prov.region.name)} region${
        prov.region.cuts.length
          ? ` (${prov.region.cuts.map((c) => `\\texttt{${c.expr.replace(/[\\{}$&#%_^~]/g, (m) => `\\${m === '\\' ? 'textbackslash{}' : m}`)}}`).join(', ')})`
          : ''
      }`
    : ''
  const energyLumi = [
    s.energyTeV !== null ? `$\\sqrt{s} = ${s.energyTeV}$~TeV` : '',
    s.lumiFb !== null ? `an integrated luminosity of ${s.lumiFb}~fb$^{-1}$` : '',
  ].filter(Boolean)
  if (f.kind === 'stack') {
    const x = esc(f.x.label || escapeMarkup(f.x.expr))
    const bkg = f.components.filter((c) => c.role === 'background').map((c) => esc(c.name))
    const sig = f.components.filter((c) => c.role === 'signal').map((c) => esc(c.name))
    const data = f.components.some((c) => c.role === 'data')
    parts.push(
      `Distribution of ${x}${where}${f.normalised ? ', each process normalised to unit area' : ''}.`,
    )
    if (bkg.length)
      parts.push(
        `The simulated ${list(bkg)} ${bkg.length > 1 ? 'backgrounds are' : 'background is'} stacked${sig.length ? `; ${list(sig)} ${sig.length > 1 ? 'are' : 'is'} overlaid as ${sig.length > 1 ? 'lines' : 'a line'}` : ''}.`,
      )
    if (data)
      parts.push(
        'Data are shown as points with 68\\% CL Poisson (Garwood) intervals; the ratio panel shows data over the total prediction.',
      )
    if (bkg.length && !f.normalised)
      parts.push(
        f.uncertainty
          ? `The hatched band is the ${esc(f.uncertainty.label).toLowerCase()} on the total.`
          : 'The hatched band is the statistical uncertainty of the simulation ($\\sqrt{\\sum w^2}$).',
      )
  } else if (f.kind === 'brazil') {
    const poi = esc(f.poi.label || f.poi.name)
    const fmt = (v: number | null) => (v === null ? '--' : (Math.round(v * 1000) / 1000).toString())
    parts.push(
      `Observed (solid) and expected (dashed) CL$_{s}$ as a function of ${poi}, with the $\\pm 1\\sigma$ and $\\pm 2\\sigma$ bands of the expectation${where}.`,
    )
    parts.push(
      `The ${Math.round(f.cl * 100)}\\% CL upper limit is ${poi}~$<$~${fmt(f.obs)} (expected ${fmt(f.exp[2])}).`,
    )
    if (prov.workspace)
      parts.push(
        `Likelihood: workspace ${esc(prov.workspace.name)}, asymptotic formulae with $\\tilde{q}_{\\mu}$.`,
      )
  } else if (f.kind === 'lines') {
    parts.push(
      `${esc(f.y.label || f.y.expr)} as a function of ${esc(f.x.label || f.x.expr)} for ${list(f.series.map((q) => esc(q.name)))}${where}.`,
    )
  } else if (f.kind === 'contour') {
    const axis = (v: typeof f.x) => esc(v.label || escapeMarkup(v.expr))
    parts.push(
      `Observed (solid red) and expected (dashed) ${Math.round(f.cl * 100)}\\% CL exclusion contours in the ${axis(f.x)}--${axis(f.y)} plane, with the $\\pm 1\\sigma$ band of the expectation (yellow)${where}; CL$_{s}$ of each of the ${f.points.length} signal points, filled where excluded.`,
    )
  } else if (f.kind === 'pulls') {
    parts.push(
      `Pulls $(\\hat{\\theta} - \\theta_{0})/\\Delta\\theta$ of the ${f.rows.length} nuisance parameters with their post-fit uncertainties${where}; the green and yellow bands mark $\\pm 1\\sigma$ and $\\pm 2\\sigma$.`,
    )
    if (prov.workspace) parts.push(`Likelihood: workspace ${esc(prov.workspace.name)}.`)
  } else {
    parts.push(`${esc(f.z.label || f.flavour)}${where}.`)
  }
  if (energyLumi.length) parts.push(`Simulation and data correspond to ${list(energyLumi)}.`)
  const samples = prov.samples.filter((x) => x.role !== 'data').map((x) => esc(x.name))
  if (samples.length && f.kind === 'stack') parts.push(`Samples: ${list(samples)}.`)
  return parts.join(' ')
}

/** The figure environment for `file` (a path relative to the .tex, without extension is fine). */
export function latexSnippet(p: SavedPlot, file: string): string {
  const { width } = figureSizeCm(p.settings)
  return [
    '\\begin{figure}[htbp]',
    '  \\centering',
    `  % drawn ${width} cm wide (its text is the size it was drawn at when included at this width)`,
    `  \\includegraphics[width=${width}cm]{${file}}`,
    `  \\caption{${caption(p)}}`,
    `  \\label{fig:${plotSlug(p.name)}}`,
    '\\end{figure}',
    '',
  ].join('\n')
}
