/**
 * One measured pass of the scale benchmarks (scale.bench.ts runs it as a child process, so its
 * peak resident memory is its own): a 10-cut cut-flow with weights plus 3 histograms over a
 * 6-column Parquet sample, through the application layer (app/cutflow.ts, app/histogram.ts)
 * under a memory budget, on N worker threads; or the same from the decoded-column cache; or
 * the equivalent SQL in DuckDB. Prints one JSON line: {ms, cpuMs, maxRssMB, events, check}
 * (cpuMs: every thread of the process, DuckDB's included); `ours` adds `threads`: the CPU
 * milliseconds each kind of OS thread of the process spent in the pass (threadCpuMs: main,
 * v8, signal, libuv, other, and new-1… for threads started in the pass).
 *
 *   node --import tsx bench/scale-pass.ts ours FILE.parquet THREADS MEMORY_BYTES [warm] [pass] [again]
 *     (warm: the threads started and loaded before the pass is timed, as the window's pool;
 *     pass: the cut-flow and the histograms in one pass (app/pass.ts, as `hepwb cutflow --hist`
 *     runs them), instead of the four use-case calls; again: the same work run once before,
 *     untimed, and a 3 s pause — the window's pool from its second request on, its threads'
 *     code compiled, the file opened and their read buffers kept)
 *   node --import tsx bench/scale-pass.ts ours FILE.parquet redis://HOST:PORT MEMORY_BYTES
 *     (the same on the `hepwb worker`s of that Redis: the cluster's overhead over the pool)
 *   node --import tsx bench/scale-pass.ts cache FILE.parquet CACHE_DIR THREADS MEMORY_BYTES pass|separate
 *   node --import tsx bench/scale-pass.ts duckdb FILE.parquet
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SampleSpec } from '../src/shared/contract/data'
import { parseSpec } from '../src/shared/spec'
import { runCutflow } from '../src/main/engine/app/cutflow'
import { runHistogram } from '../src/main/engine/app/histogram'
import { runPass } from '../src/main/engine/app/pass'
import { runOn, withMemory } from '../src/main/engine/app/source'
import { specSource } from '../src/main/engine/app/spec-source'
import { poolExecutor } from '../src/main/engine/cluster/pool'
import { PROBE_KIND } from '../src/main/engine/cluster/probe-task'
import { clusterExecutor } from '../src/main/engine/cluster/redis-executor'
import { silentContext } from '../src/main/engine/jobs/context'
import { SampleRegistry } from '../src/main/engine/samples/registry'
import { projectSource } from '../src/main/engine/services/project-source'
import { Project } from '../src/main/engine/store/project'
import { saveRegion } from '../src/main/engine/store/regions'
import { insertSample, putSetting } from '../src/main/engine/store/samples'
import { MEMORY_SETTING } from '../src/main/engine/services/compute-settings'

export const COLUMNS = ['pt1', 'pt2', 'eta1', 'eta2', 'm', 'w']

/** Ten cuts over the five kinematic columns (thresholds, windows, sums, a difference). */
export const CUTS = [
  'pt1 > 20',
  'pt2 > 15',
  'abs(eta1) < 2.4',
  'abs(eta2) < 2.4',
  'm > 40',
  'm < 200',
  'pt1 + pt2 > 50',
  'abs(eta1 - eta2) < 3',
  'm > 60',
  'abs(m - 91) < 30',
]

/** Three histograms: two in the signal region, one over every event. */
export const HISTS = [
  { expr: 'pt1', bins: 50, lo: 0, hi: 200, region: 'SR' as string | undefined },
  { expr: 'm', bins: 60, lo: 0, hi: 300, region: 'SR' as string | undefined },
  { expr: 'eta1', bins: 40, lo: -3, hi: 3, region: undefined },
]

function spec(file: string) {
  const r = parseSpec({
    samples: [{ name: 'bkg', files: [file], weight: 'w', role: 'background' }],
    regions: [{ name: 'SR', cuts: CUTS.map((expr) => ({ expr })) }],
  })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.spec
}

function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024
}

/** CPU milliseconds of the whole process (all its threads) since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from)
  return (u.user + u.system) / 1000
}

/** Each OS thread of this process by thread id: CPU milliseconds (user + system). */
type ThreadTimes = Map<number, { ms: number }>

/** The OS threads of this process and their CPU time so far, from /proc (Linux; else empty). */
function threadTimes(): ThreadTimes {
  const out: ThreadTimes = new Map()
  let tasks: string[]
  try {
    tasks = readdirSync('/proc/self/task')
  } catch {
    return out
  }
  const tick = 1000 / 100 // USER_HZ is 100 on Linux
  for (const t of tasks) {
    let stat: string
    try {
      stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8')
    } catch {
      continue // ended meanwhile
    }
    // After the name: utime and stime are fields 14 and 15 of stat(5).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    out.set(Number(t), { ms: (Number(f[11]) + Number(f[12])) * tick })
  }
  return out
}

/**
 * CPU milliseconds the threads alive now spent since `from`, by what they are. Node names none
 * of its threads, so they are told apart by the order they started in (thread ids ascend) among
 * those of `kinds` (taken before any worker thread started): the main thread (tid = pid); V8's
 * platform threads (GC helpers, concurrent compilation: --v8-pool-size, default 4, and their
 * delayed-task runner); the signal/inspector thread; the libuv pool (asynchronous fs:
 * UV_THREADPOOL_SIZE, default 4), whose start is made sure of before `kinds` is taken; any
 * other thread of `kinds` ('other': tsx's loader thread); and threads started since `kinds`
 * (worker threads), one by one. Threads ended by now are not counted.
 */
function threadCpuMs(from: ThreadTimes, kinds: ThreadTimes): Record<string, number> {
  const before = [...kinds.keys()].filter((t) => t !== process.pid).sort((x, y) => x - y)
  const v8 = 4 + 1
  const libuv = Number(process.env.UV_THREADPOOL_SIZE ?? 4)
  const kind = new Map<number, string>(
    before.map((t, i) => [
      t,
      i < v8 ? 'v8' : i === v8 ? 'signal' : i <= v8 + libuv ? 'libuv' : 'other',
    ]),
  )
  const out: Record<string, number> = {}
  let started = 0
  for (const [tid, { ms }] of [...threadTimes()].sort((x, y) => x[0] - y[0])) {
    const name = tid === process.pid ? 'main' : (kind.get(tid) ?? `new-${++started}`)
    out[name] = Math.round((out[name] ?? 0) + ms - (from.get(tid)?.ms ?? 0))
  }
  return out
}

/**
 * Our pass through the application layer: the numbers `check` holds are compared across runs.
 * `warm`: the pool's threads are started and have loaded the engine before the pass is timed,
 * as the window's pool is after its first request (it keeps its threads); a command line run
 * starts them inside its pass.
 */
async function ours(
  file: string,
  threads: string,
  memory: number,
  warm: boolean,
  onePass = false,
  again = false,
) {
  const executor = threads.startsWith('redis')
    ? clusterExecutor({ url: threads })
    : Number(threads) > 1
      ? poolExecutor(Number(threads))
      : undefined
  const source = withMemory(runOn(specSource(spec(file)), executor), memory)
  await stat(file) // the libuv pool started before the threads are taken stock of
  const before = threadTimes()
  if (warm && executor) {
    // One probe task per thread, each long enough that the next thread takes the next one.
    const probe = { kind: PROBE_KIND, payload: { values: new Float64Array(1), delayMs: 500 } }
    await executor.run(
      Array.from({ length: Number(threads) }, () => probe),
      silentContext(),
      () => {},
    )
  }
  const histograms = HISTS.map((h) => ({
    expr: h.expr,
    binning: { bins: h.bins, lo: h.lo, hi: h.hi },
    region: h.region,
  }))
  const measured = async () => {
    if (onePass) {
      const r = await runPass(source, { cutflow: {}, histograms })
      const rows = r.cutflow?.result.regions.SR.bkg ?? []
      return { rows, total: r.cutflow?.result.totals.bkg.raw ?? 0, hists: r.histograms }
    }
    const flow = await runCutflow(source)
    const hists = []
    for (const h of histograms) hists.push(await runHistogram(source, h))
    return { rows: flow.result.regions.SR.bkg, total: flow.samples[0].cutflow.total.raw, hists }
  }
  if (again) {
    // The window's pool from its second request on: the same pass once before (not timed),
    // then a pause as before a user's next click.
    await measured()
    await new Promise((resume) => setTimeout(resume, 3000))
  }
  const th0 = warm || again ? threadTimes() : before
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const { rows, total, hists } = await measured()
  const ms = performance.now() - t0
  const cpu = cpuMs(c0)
  const perThread = threadCpuMs(th0, before)
  await executor?.close()
  const last = rows[rows.length - 1]
  return {
    ms,
    cpuMs: cpu,
    maxRssMB: maxRssMB(),
    threads: perThread,
    events: total,
    check: { raw: last.raw, sumw: last.weighted, hist: hists.map((h) => h.samples.bkg.counts) },
  }
}

/**
 * From the decoded-column cache, through the application layer as the window reads it: a
 * project (CACHE_DIR/bench.hepwb) holding the Parquet file as a sample (weight `w`, region SR
 * of the ten cuts), its columns decoded into the project's column cache once, column by column
 * (not timed). Then one untimed pass (the pool's threads start, code warms up) and the timed
 * pass, under `memory` bytes so the cache is read partition by partition (EventTable.loadRange):
 * `pass` — the cut-flow and the three histograms in one pass (app/pass.ts); `separate` — the
 * four use-case calls (runCutflow, runHistogram × 3).
 */
async function fromCache(file: string, dir: string, threads: number, memory: number, how: string) {
  const path = join(dir, 'bench.hepwb')
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true })
    const project = Project.create(path)
    try {
      const registry = new SampleRegistry(project)
      const spec = SampleSpec.parse({
        name: 'bkg',
        role: 'background',
        colour: '#1f77b4',
        files: [file],
        table: '',
        weight: 'w',
      })
      const loaded = await registry.load(await registry.check(spec))
      insertSample(project, spec, loaded.facts)
      saveRegion(project, {
        name: 'SR',
        blinded: false,
        cuts: CUTS.map((expr) => ({ name: expr, expr })),
      })
      // Every column decoded into the cache, one at a time (a column of 10^8 events is 800 MB).
      for (const c of COLUMNS) {
        await loaded.table.load([c])
        loaded.table.release(c)
      }
    } finally {
      project.close()
    }
  }
  // The project's own budget decides whether its columns are read partition by partition.
  const rw = Project.open(path)
  putSetting(rw, MEMORY_SETTING, memory)
  rw.close()
  const project = Project.openReadOnly(path)
  const executor = threads > 1 ? poolExecutor(threads) : undefined
  const source = withMemory(
    await projectSource(new SampleRegistry(project, { readOnly: true }), [], { executor }),
    memory,
  )
  const histograms = HISTS.map((h) => ({
    expr: h.expr,
    binning: { bins: h.bins, lo: h.lo, hi: h.hi },
    region: h.region,
  }))
  const once = async () => {
    if (how === 'pass') {
      const r = await runPass(source, { cutflow: {}, histograms })
      return { flow: r.cutflow?.result, hists: r.histograms }
    }
    const flow = (await runCutflow(source)).result
    const hists = []
    for (const h of histograms) hists.push(await runHistogram(source, h))
    return { flow, hists }
  }
  await once()
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const { flow, hists } = await once()
  const ms = performance.now() - t0
  const cpu = cpuMs(c0)
  await executor?.close()
  project.close()
  const rows = flow?.regions.SR.bkg ?? []
  const last = rows[rows.length - 1]
  return {
    ms,
    cpuMs: cpu,
    maxRssMB: maxRssMB(),
    events: flow?.totals.bkg.raw ?? 0,
    loadavg: loadavg(),
    check: { raw: last.raw, sumw: last.weighted, hist: hists.map((h) => h.samples.bkg.counts) },
  }
}

/** The same selection in DuckDB SQL: one aggregate query for the cut-flow, one per histogram. */
async function duckdb(file: string) {
  const { DuckDBInstance } = await import('@duckdb/node-api')
  const db = await DuckDBInstance.create(':memory:')
  const con = await db.connect()
  const src = `read_parquet('${file.replace(/'/g, "''")}')`
  const sql = (e: string) => e.replace(/abs\(/g, 'abs(')
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const cum = CUTS.map((_, i) =>
    CUTS.slice(0, i + 1)
      .map(sql)
      .join(' AND '),
  )
  const aggs = cum
    .map(
      (c, i) =>
        `count(*) FILTER (WHERE ${c}) AS n${i}, sum(w) FILTER (WHERE ${c}) AS s${i}, ` +
        `sum(w*w) FILTER (WHERE ${c}) AS q${i}`,
    )
    .join(', ')
  const flow = await con.runAndReadAll(
    `SELECT count(*) AS n, sum(w) AS s, sum(w*w) AS q, ${aggs} FROM ${src}`,
  )
  const row = flow.getRowObjectsJS()[0]
  for (const h of HISTS) {
    const where = h.region ? `WHERE ${cum[cum.length - 1]}` : ''
    const width = (h.hi - h.lo) / h.bins
    await con.runAndReadAll(
      `SELECT least(greatest(floor((${h.expr} - ${h.lo}) / ${width}), -1), ${h.bins})::INT AS b, ` +
        `count(*), sum(w), sum(w*w) FROM ${src} ${where} GROUP BY b`,
    )
  }
  const ms = performance.now() - t0
  return {
    ms,
    cpuMs: cpuMs(c0),
    maxRssMB: maxRssMB(),
    events: Number(row.n),
    check: { raw: Number(row[`n${CUTS.length - 1}`]) },
  }
}

async function main(): Promise<void> {
  const [mode, file, a, b, ...rest] = process.argv.slice(2)
  const out =
    mode === 'ours'
      ? await ours(
          file,
          a,
          Number(b),
          rest.includes('warm'),
          rest.includes('pass'),
          rest.includes('again'),
        )
      : mode === 'cache'
        ? await fromCache(
            file,
            a,
            Number(b ?? 1),
            Number(rest[0] ?? 512 * 2 ** 20),
            rest[1] ?? 'pass',
          )
        : await duckdb(file)
  process.stdout.write(JSON.stringify(out) + '\n')
}

// Only as a script: scale.bench.ts imports CUTS and HISTS from here.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack : e)
    process.exit(1)
  })
