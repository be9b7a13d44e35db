/**
 * `npm run bench [-- PREFIX…]`: runs every `bench/*.bench.ts` (each exports `benches: Bench[]`),
 * prints a readable table and one JSON line per result:
 * {"bench": "hist-fill-1e7", "value": 41.2, "unit": "ms", "n": 5, "backend": "wasm"}
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Bench } from './bench'

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m])
}

async function main(): Promise<void> {
  const prefixes = process.argv.slice(2).filter((a) => !a.startsWith('-'))
  const dir = import.meta.dirname ?? __dirname
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
  const rows: string[] = []
  // The real-data benchmarks read the full collection beside the checkout (the tests' cut
  // copies in test/data are too small to time); without it they are skipped, each saying so.
  const shared = existsSync(join(dir, '..', '..', 'shared', 'data'))
  if (!shared)
    console.warn('../shared/data is absent beside the checkout: benchmarks reading it are skipped')
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { benches: Bench[] }
    for (const b of mod.benches) {
      if (prefixes.length && !prefixes.some((p) => b.name.startsWith(p))) continue
      const n = b.n ?? 5
      const values: number[] = []
      try {
        await b.setup?.()
        for (let i = 0; i < n; i++) values.push(await b.run())
      } catch (e) {
        // A missing file: Node's ENOENT, or a reader's error naming it.
        const missing =
          (e as NodeJS.ErrnoException).code === 'ENOENT' || /ENOENT|no such file/.test(String(e))
        if (shared || !missing) throw e
        console.warn(`skipped ${b.name}: it reads ../shared/data`)
        continue
      }
      const value = median(values)
      const line = {
        bench: b.name,
        value: Number(value.toPrecision(4)),
        unit: b.unit,
        n,
        ...(b.backend ? { backend: b.backend } : {}),
      }
      console.log(JSON.stringify(line))
      rows.push(
        `${b.name.padEnd(36)} ${String(line.value).padStart(12)} ${b.unit.padEnd(10)} ${b.note ?? ''}`,
      )
    }
  }
  console.log('\n' + 'benchmark'.padEnd(36) + ' ' + 'median'.padStart(12) + ' unit')
  for (const r of rows) console.log(r)
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e)
  process.exit(1)
})
