/**
 * What a table was measured under — centre-of-mass energy, integrated luminosity, region,
 * observable — as HEPData qualifiers of every dependent variable (SQRT(S) in GeV, LUMINOSITY
 * in fb⁻¹, as HEPData's own records write them) and as the table's keywords (cmenergies in
 * GeV, observables, reactions, phrases), which HEPData's search indexes.
 */
import type { Keyword, Qualifier } from './record'

export interface Conditions {
  /** √s in TeV (13 for the LHC Run 2). */
  energyTeV?: number
  /** Integrated luminosity in fb⁻¹. */
  lumiFb?: number
  /** The region (selection) the numbers are in. */
  region?: string
  /** Reactions in HEPData's notation ("P P --> Z0 X"). */
  reactions?: readonly string[]
  /** Free phrases for the search ("Cut-flow", "Upper limit"). */
  phrases?: readonly string[]
}

/** The qualifiers of each dependent variable: √s, luminosity, region, then `extra`. */
export function qualifiers(c: Conditions = {}, extra: readonly Qualifier[] = []): Qualifier[] {
  const q: Qualifier[] = []
  if (c.energyTeV !== undefined)
    q.push({ name: 'SQRT(S)', value: c.energyTeV * 1000, units: 'GeV' })
  if (c.lumiFb !== undefined) q.push({ name: 'LUMINOSITY', value: c.lumiFb, units: 'fb$^{-1}$' })
  if (c.region) q.push({ name: 'Region', value: c.region })
  return [...q, ...extra]
}

/** The table's keywords: cmenergies, observables, reactions, phrases (empty ones left out). */
export function keywords(
  c: Conditions = {},
  observables: readonly string[] = [],
  phrases: readonly string[] = [],
): Keyword[] {
  const k: Keyword[] = []
  if (c.energyTeV !== undefined) k.push({ name: 'cmenergies', values: [c.energyTeV * 1000] })
  if (observables.length) k.push({ name: 'observables', values: [...observables] })
  if (c.reactions?.length) k.push({ name: 'reactions', values: [...c.reactions] })
  const p = [...phrases, ...(c.phrases ?? [])]
  if (p.length) k.push({ name: 'phrases', values: [...new Set(p)] })
  return k
}
