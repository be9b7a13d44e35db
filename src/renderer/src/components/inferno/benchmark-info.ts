/**
 * What the set-up shows about each paper benchmark before a run (the engine's BENCHMARKS table
 * lives in the engine process; these are its descriptions and published medians, paper table 2).
 */
import type { BenchmarkId } from '../../../../shared/contract/inferno'

export const BENCHMARK_INFO: Record<
  BenchmarkId,
  { short: string; description: string; paper: { bce: number; inferno: number } }
> = {
  B0: {
    short: 'no nuisances',
    description: 'No nuisance parameters (r = 0, λ = 3, b = 1000 fixed).',
    paper: { bce: 14.99, inferno: 15.51 },
  },
  B1: {
    short: 'r free',
    description: 'Background shift r free; λ = 3 and b = 1000 fixed.',
    paper: { bce: 18.94, inferno: 16.79 },
  },
  B2: {
    short: 'r, λ free',
    description: 'r and λ free; b = 1000 fixed.',
    paper: { bce: 23.94, inferno: 16.95 },
  },
  B3: {
    short: 'r, λ constrained',
    description: 'r ~ N(0, 0.4) and λ ~ N(3, 1) constrained; b = 1000 fixed.',
    paper: { bce: 21.54, inferno: 16.89 },
  },
  B4: {
    short: 'as B3, b ~ N(1000, 100)',
    description: 'As B3 plus the background normalisation b ~ N(1000, 100).',
    paper: { bce: 26.71, inferno: 18.68 },
  },
}
