/**
 * The Data view's explorer through the application layer (issue 18): histograms (Σw² of the
 * flows included), the statistics table, correlations and 2-D histograms are use cases over
 * the project's event source, addressing variables by name — file columns, derived variables,
 * model outputs, and names that are no expression (`a.b`, `jet pt`).
 * - Parity: the explorer's answers on real files equal those of the whole-column code they
 *   replace, recorded before the change in explorer-reference.json (explorer-cases.ts
 *   explorerResults at commit 1dda742; WRITE_EXPLORER_REFERENCE=1 writes it again).
 * - Partitions: each use case gives the same answer with one partition per file and with many
 *   small ones (empty ones, ones that split ROOT baskets): counts exactly, sums to 1e-12.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCorrelation } from '../../../src/main/engine/app/correlation'
import { runHistograms } from '../../../src/main/engine/app/histogram'
import { runHist2D } from '../../../src/main/engine/app/hist2d'
import type { PartitionOptions } from '../../../src/main/engine/app/partition'
import type { EventSource } from '../../../src/main/engine/app/source'
import { runSampleStatistics, runStatistics } from '../../../src/main/engine/app/statistics'
import type { EntryRange } from '../../../src/main/engine/io/schema'
import { SampleSpec } from '../../../src/shared/contract/data'
import { readColumns } from '../../../src/main/engine/io/source'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { SampleRegistry } from '../../../src/main/engine/samples/registry'
import { projectSource } from '../../../src/main/engine/services/project-source'
import { expectSameUpToRounding } from './compare'
import { caseProject, explorerCases, explorerResults, oddCsv } from './explorer-cases'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-explorer-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const REFERENCE = new URL('./explorer-reference.json', import.meta.url)
const cases = explorerCases(tmp)

describe('the explorer equals the whole-column code it replaces', () => {
  const results: unknown[] = []
  afterAll(() => {
    if (process.env.WRITE_EXPLORER_REFERENCE)
      writeFileSync(REFERENCE, JSON.stringify(results) + '\n')
  })
  const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as unknown[]
  for (const [i, c] of cases.entries())
    it(c.name, async () => {
      const got = await explorerResults(c, join(tmp, `parity-${i}.hepwb`))
      results[i] = got
      expectSameUpToRounding(reference[i], JSON.parse(JSON.stringify(got)))
    })
})

/** Ranges of 7 entries (not on basket starts), with empty ones at both ends and between. */
function small(entries: number): EntryRange[] {
  const out: EntryRange[] = [{ start: 0, stop: 0 }]
  for (let s = 0; s < entries; s += 7) {
    out.push({ start: s, stop: Math.min(entries, s + 7) })
    if (s % 21 === 0) out.push({ start: out[out.length - 1].stop, stop: out[out.length - 1].stop })
  }
  out.push({ start: entries, stop: entries })
  return out
}
const silent = silentContext()
const ONE: PartitionOptions = { maxEntries: Number.MAX_SAFE_INTEGER }
const MANY: PartitionOptions = { split: (n) => small(n) }

/** Every use case of the explorer on one source, for one case. */
async function useCases(source: EventSource, c: (typeof cases)[number]) {
  const names = source.samples().map((s) => s.name)
  const out: Record<string, unknown> = {}
  for (const [k, h] of c.hists.entries()) {
    const binning = { bins: h.bins ?? 13, lo: h.lo ?? -10, hi: h.hi ?? 150 }
    const run = await runHistograms(source, { column: h.variable, binning, skipUnusable: true })
    out[`hist ${k}`] = [...run.samples].map(([name, x]) => ({
      name,
      sumw: Array.from(x.sumw),
      sumw2: Array.from(x.sumw2),
      entries: x.entries,
      nan: x.nan,
    }))
    out[`stats ${k}`] = await runStatistics(source, { column: h.variable, skipUnusable: true })
  }
  for (const [k, r] of c.correlations.entries())
    out[`correlation ${k}`] = await runCorrelation(source, {
      sample: names[r.sample],
      values: r.variables.map((column) => ({ column })),
    })
  for (const [k, h] of c.hist2d.entries()) {
    const x = await runHist2D(source, {
      sample: names[h.sample],
      x: { column: h.x },
      y: { column: h.y },
      xbins: { bins: h.xbins, lo: h.xlo ?? -50, hi: h.xhi ?? 200 },
      ybins: { bins: h.ybins, lo: -30, hi: 120 },
    })
    out[`hist2d ${k}`] = { ...x, sumw: Array.from(x.sumw) }
  }
  for (const name of names)
    out[`table ${name}`] = await runSampleStatistics(source, {
      sample: name,
      values: c.stats.map((column) => ({ column })),
    }).catch((e: Error) => e.message)
  return out
}

describe('one partition per file and many small ones give the same answers', () => {
  for (const [i, c] of cases.entries())
    it(
      c.name,
      async () => {
        const { project, env } = await caseProject(c, join(tmp, `partitions-${i}.hepwb`))
        try {
          const registry = new SampleRegistry(project)
          const computed = await env.computedVariables()
          const one = await projectSource(registry, computed, ONE)
          const many = await projectSource(registry, computed, MANY)
          const sample = await one.open(0, silent)
          expect((await sample.partitions()).length).toBe(1)
          expect((await (await many.open(0, silent)).partitions()).length).toBeGreaterThan(5)
          const a = await useCases(one, c)
          const b = await useCases(many, c)
          expectSameUpToRounding(a, b)
          // Not empty comparisons: every histogram filled something.
          for (const [k, v] of Object.entries(a))
            if (k.startsWith('hist '))
              expect((v as { entries: number }[]).some((h) => h.entries > 0)).toBe(true)
        } finally {
          project.close()
        }
      },
      30_000,
    )
})

describe('columns by name and the flows of a histogram', () => {
  it('reads CSV headers that are no expression; an expression of them does not parse', async () => {
    const c = cases[3]
    const { project, env } = await caseProject(c, join(tmp, 'names.hepwb'))
    try {
      const source = await projectSource(new SampleRegistry(project), await env.computedVariables())
      const binning = { bins: 4, lo: 30, hi: 110 }
      const run = await runHistograms(source, { column: 'jet pt', binning })
      const h = run.samples.get('odd')!
      // Reference: a plain loop over the decoded CSV (−999 is missing, weights from 'w').
      const cols = await readColumns(oddCsv(tmp), '', ['jet pt', 'w'])
      const x = cols.get('jet pt')!.values
      const w = cols.get('w')!.values
      const under = { sumw: 0, sumw2: 0 }
      const over = { sumw: 0, sumw2: 0 }
      let nan = 0
      for (let i = 0; i < x.length; i++) {
        const flow = x[i] < binning.lo ? under : x[i] >= binning.hi ? over : null
        if (x[i] === -999) nan++
        else if (flow) {
          flow.sumw += w[i]
          flow.sumw2 += w[i] * w[i]
        }
      }
      expect(h.nan).toBe(nan)
      expect(h.sumw[0]).toBeCloseTo(under.sumw, 12)
      expect(h.sumw2[0]).toBeCloseTo(under.sumw2, 12)
      expect(h.sumw[binning.bins + 1]).toBeCloseTo(over.sumw, 12)
      expect(h.sumw2[binning.bins + 1]).toBeCloseTo(over.sumw2, 12)
      expect(under.sumw2).toBeGreaterThan(0)
      expect(over.sumw2).toBeGreaterThan(0)
      await expect(runHistograms(source, { expr: 'jet pt', binning })).rejects.toThrow()
      await expect(runHistograms(source, { column: 'jet', binning })).rejects.toThrow(
        /in sample 'odd': no variable 'jet'/,
      )
      const r = await runCorrelation(source, {
        sample: 'odd',
        values: [{ column: 'a.b' }, { column: 'jet pt' }],
      })
      expect(r.variables).toEqual(['a.b', 'jet pt'])
      expect(r.events).toBe(x.length - nan)
    } finally {
      project.close()
    }
  })

  it('shows the file columns of a sample whose column is named like a derived variable', async () => {
    const c = { ...cases[0], variables: [{ name: 'w', expr: 'MET_px * 2' }] }
    const { project, data, waitForJob } = await caseProject(c, join(tmp, 'clash.hepwb'))
    try {
      // Added after the variable: its CSV has a column 'w' (the Cuts view reports the clash).
      const spec = SampleSpec.parse({ ...cases[3].samples[0], weight: '' })
      const { id } = (await waitForJob((await data['data.addSample']({ spec })).jobId)) as {
        id: string
      }
      const h = await data['data.histogram']({ variable: 'jet pt' })
      expect(h.samples.map((s) => s.sampleId)).toEqual([id])
      expect(h.samples[0].entries).toBeGreaterThan(0)
      await waitForJob((await data['data.summarise']({})).jobId)
      const rows = (await data['data.variables']({})).variables
      expect(rows.find((r) => r.name === 'jet pt')?.stats[id]?.count).toBe(300)
      // The other sample computes the variable.
      expect((await data['data.histogram']({ variable: 'w', bins: 4 })).samples).toHaveLength(1)
    } finally {
      project.close()
    }
  })
})
