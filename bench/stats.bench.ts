/**
 * Likelihood benchmarks on real published likelihoods: the ATLAS 1Lbb workspace with the
 * C1N2_Wh_hbb_900_250 signal patch (126 parameters, 14 bins) and the ATLAS sbottom region A
 * workspace with its sbottom_1300_205_60 patch. Reading, patching and compiling are set-up;
 * each run builds a fresh likelihood so no fit result is reused between runs.
 * References: pyhf with numpy + scipy takes 2.3 s for the 1Lbb fit and 12 s for its CLs test.
 */
import { readFileSync } from 'node:fs'
import { hypotest } from '../src/main/engine/stats/asymptotics'
import { fitModel } from '../src/main/engine/stats/fit'
import { fitReport } from '../src/main/engine/stats/fit-report'
import { Likelihood, observedData } from '../src/main/engine/stats/likelihood'
import { compileModel, type Model } from '../src/main/engine/stats/model'
import { impacts } from '../src/main/engine/stats/ranking'
import {
  applyJsonPatch,
  getPatch,
  parseJsonPatch,
  parsePatchSet,
} from '../src/main/engine/stats/patch'
import { parseWorkspace } from '../src/main/engine/stats/workspace'
import { timeMs, type Bench } from './bench'
import { manyBinsWorkspace } from './many-bins'

const DATA = `${import.meta.dirname ?? __dirname}/../../shared/data/`
const readJson = (p: string): unknown => JSON.parse(readFileSync(DATA + p, 'utf8'))

const models: Record<string, Model> = {}

function lbb(): Model {
  models.lbb ??= compileModel(
    parseWorkspace(
      applyJsonPatch(
        readJson('hepdata-pyhf-extractor_1Lbb/1Lbb_BkgOnly.json'),
        getPatch(
          parsePatchSet(readJson('hepdata-pyhf-extractor_1Lbb/1Lbb_patchset_subset.json')),
          'C1N2_Wh_hbb_900_250',
        ),
      ),
    ),
  )
  return models.lbb
}

function sbottom(): Model {
  const dir = 'skhep-testdata/sbottom_ins1748602_extracted/RegionA/'
  models.sbottom ??= compileModel(
    parseWorkspace(
      applyJsonPatch(
        readJson(`${dir}BkgOnly.json`),
        parseJsonPatch(readJson(`${dir}patch.sbottom_1300_205_60.json`)),
      ),
    ),
  )
  return models.sbottom
}

/** The generated many-bin workspace (many-bins.ts), compiled once per size. */
function manyBins(nbins: number): Model {
  models[`bins${nbins}`] ??= compileModel(manyBinsWorkspace(nbins))
  return models[`bins${nbins}`]
}

/** A MIGRAD + HESSE fit of the generated workspace: time grows with the bin count. */
function binsBench(nbins: number, n: number): Bench {
  return {
    name: `fit-bins-${nbins}`,
    unit: 'ms',
    n,
    note: `MIGRAD + HESSE, ${nbins} bins × 3 samples, 6 parameters (many-bins.ts)`,
    setup: () => void fitModel(manyBins(nbins), observedData(manyBins(nbins)), { hesse: true }),
    run: () =>
      timeMs(() => fitModel(manyBins(nbins), observedData(manyBins(nbins)), { hesse: true })),
  }
}

/** Warm the JIT so the median reflects steady state, as a long-running engine process sees. */
function warm(model: Model): void {
  for (let i = 0; i < 3; i++) {
    fitModel(model, observedData(model), { hesse: true })
    hypotest(model, observedData(model), 1)
  }
}

export const benches: Bench[] = [
  {
    name: 'fit-1Lbb-900_250',
    unit: 'ms',
    n: 7,
    note: 'MIGRAD to EDM < 2e-9 (FIT_TOLERANCE 1e-6); target ≤ 100 ms; numpy+scipy 2.3 s',
    setup: () => warm(lbb()),
    run: () => timeMs(() => fitModel(lbb(), observedData(lbb()))),
  },
  {
    name: 'fit-hesse-1Lbb-900_250',
    unit: 'ms',
    n: 5,
    note: 'MIGRAD + HESSE (analytic 126×126 Hessian)',
    setup: () => warm(lbb()),
    run: () => timeMs(() => fitModel(lbb(), observedData(lbb()), { hesse: true })),
  },
  {
    name: 'fit-report-1Lbb-900_250',
    unit: 'ms',
    n: 5,
    note: "the Fit view's and hepwb fit's report: MIGRAD + HESSE + MINOS on the POI",
    setup: () => warm(lbb()),
    run: () =>
      timeMs(() => fitReport(new Likelihood(lbb(), observedData(lbb())), { minos: ['poi'] })),
  },
  {
    name: 'ranking-1Lbb-900_250',
    unit: 'ms',
    n: 3,
    note: 'impacts of the 124 free parameters on the POI (2–4 refits each)',
    setup: () => warm(lbb()),
    run: () =>
      timeMs(() => {
        const lik = new Likelihood(lbb(), observedData(lbb()))
        impacts(lik, fitReport(lik).fit)
      }),
  },
  {
    name: 'hypotest-1Lbb-900_250',
    unit: 'ms',
    n: 5,
    note: 'CLs q̃μ at μ = 1 (5 fits + Asimov); target ≤ 500 ms; numpy+scipy 12 s',
    setup: () => warm(lbb()),
    run: () => timeMs(() => hypotest(lbb(), observedData(lbb()), 1)),
  },
  {
    name: 'fit-sbottomA-1300_205_60',
    unit: 'ms',
    n: 7,
    note: 'MIGRAD; 64 parameters, 6 bins',
    setup: () => warm(sbottom()),
    run: () => timeMs(() => fitModel(sbottom(), observedData(sbottom()))),
  },
  {
    name: 'hypotest-sbottomA-1300_205_60',
    unit: 'ms',
    n: 5,
    note: 'CLs q̃μ at μ = 1',
    setup: () => warm(sbottom()),
    run: () => timeMs(() => hypotest(sbottom(), observedData(sbottom()), 1)),
  },
  {
    name: 'twice-nll-grad-1Lbb',
    unit: 'µs',
    n: 5,
    note: 'one −2 ln L + analytic gradient evaluation (mean of 1000)',
    setup: () => void lbb(),
    run: () => {
      const m = lbb()
      const lik = new Likelihood(m, observedData(m))
      const g = new Float64Array(m.npar)
      const x = Float64Array.from(m.init)
      for (let i = 0; i < 200; i++) lik.twiceNllGrad(x, g)
      const t0 = performance.now()
      for (let i = 0; i < 1000; i++) lik.twiceNllGrad(x, g)
      return performance.now() - t0
    },
  },
  binsBench(1000, 5),
  binsBench(10000, 3),
  binsBench(100000, 3),
]
