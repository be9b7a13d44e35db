/**
 * The five inference benchmarks of De Castro & Dorigo (2019) §5 on the synthetic 3D problem:
 * which of the parameters (s, r, λ, b) are free in the fit and which Gaussian constraints
 * (auxiliary measurements) they carry, and the published median expected uncertainty on s
 * (100 random initialisations; paper table 2, also in paper-inferno/paper/table.tex).
 */

export type BenchmarkName = 'B0' | 'B1' | 'B2' | 'B3' | 'B4'
export const BENCHMARK_NAMES: readonly BenchmarkName[] = ['B0', 'B1', 'B2', 'B3', 'B4']

/** Parameters of the synthetic problem, in the order every Fisher matrix here uses. */
export type ParamName = 's' | 'r' | 'lambda' | 'b'
export const PARAM_ORDER: readonly ParamName[] = ['s', 'r', 'lambda', 'b']

export interface Benchmark {
  readonly name: BenchmarkName
  readonly description: string
  /** Parameters of the fit; s (the POI) first. The others are held at nominal. */
  readonly params: readonly ParamName[]
  /** Gaussian constraint width per parameter (parameter units); absent: unconstrained. */
  readonly constraints: Partial<Record<ParamName, number>>
  /** Published median σ_s: cross-entropy classifier (10 uniform bins) and INFERNO for this benchmark. */
  readonly paper: { readonly bce: number; readonly inferno: number }
}

export const BENCHMARKS: Record<BenchmarkName, Benchmark> = {
  B0: {
    name: 'B0',
    description: 'no nuisance parameters (r = 0, λ = 3, b = 1000 fixed)',
    params: ['s'],
    constraints: {},
    paper: { bce: 14.99, inferno: 15.51 },
  },
  B1: {
    name: 'B1',
    description: 'r free; λ = 3 and b = 1000 fixed',
    params: ['s', 'r'],
    constraints: {},
    paper: { bce: 18.94, inferno: 16.79 },
  },
  B2: {
    name: 'B2',
    description: 'r and λ free; b = 1000 fixed',
    params: ['s', 'r', 'lambda'],
    constraints: {},
    paper: { bce: 23.94, inferno: 16.95 },
  },
  B3: {
    name: 'B3',
    description: 'r ~ N(0, 0.4) and λ ~ N(3, 1) constrained; b = 1000 fixed',
    params: ['s', 'r', 'lambda'],
    constraints: { r: 0.4, lambda: 1 },
    paper: { bce: 21.54, inferno: 16.89 },
  },
  B4: {
    name: 'B4',
    description: 'as B3 plus b ~ N(1000, 100)',
    params: ['s', 'r', 'lambda', 'b'],
    constraints: { r: 0.4, lambda: 1, b: 100 },
    paper: { bce: 26.71, inferno: 18.68 },
  },
}

export function isBenchmarkName(v: string): v is BenchmarkName {
  return (BENCHMARK_NAMES as readonly string[]).includes(v)
}
