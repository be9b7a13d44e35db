/**
 * `hepwb build-workspace SPEC.json|PROJECT.hepwb BUILD.json --out WS.json`: the Fit view's
 * "Build from regions" — the same use case (app/build-workspace.ts) over an analysis spec or a
 * project opened read-only. The recipe (BUILD.json, the `fit.build` parameters) names the
 * regions, an observable and its binning per channel, and the systematics; the pyhf workspace
 * is written to --out.
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { BuildRecipe } from '../../../shared/contract/fit'
import { readJsonFile } from '../../engine/io/pyhf'
import { runBuildWorkspace } from '../../engine/app/build-workspace'
import { BuildError } from '../../engine/stats/build-workspace'
import { UsageError, action, type GlobalOptions } from '../action'
import { withEventSource } from '../event-source'

interface BuildOptions extends GlobalOptions {
  out: string
}

interface BuildSummary {
  path: string
  channels: { name: string; bins: number; data: 'observed' | 'asimov'; samples: string[] }[]
  warnings: string[]
}

async function readRecipe(file: string): Promise<BuildRecipe> {
  const parsed = BuildRecipe.safeParse(await readJsonFile(file))
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const at = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('')
  throw new UsageError(`${file}: ${at ? `${at.replace(/^\./, '')}: ` : ''}${issue.message}`)
}

async function build(file: string, recipeFile: string, out: string): Promise<BuildSummary> {
  const recipe = await readRecipe(recipeFile)
  const outcome = await withEventSource(file, async ({ source }) => {
    try {
      return await runBuildWorkspace(source, recipe)
    } catch (e) {
      if (e instanceof BuildError) throw new UsageError(`${recipeFile}: ${e.message}`)
      throw e
    }
  })
  const path = resolve(out)
  await writeFile(path, JSON.stringify(outcome.workspace, null, 2) + '\n')
  return {
    path,
    channels: outcome.workspace.channels.map((c) => ({
      name: c.name,
      bins: c.samples[0].data.length,
      data: outcome.dataKind[c.name],
      samples: c.samples.map((s) => s.name),
    })),
    warnings: outcome.warnings,
  }
}

function human(r: BuildSummary): string {
  const lines = [`wrote ${r.path}`]
  for (const c of r.channels)
    lines.push(
      `  ${c.name}: ${c.bins} bins, ${c.data === 'asimov' ? 'Asimov data' : 'observed data'}, samples ${c.samples.join(', ')}`,
    )
  for (const w of r.warnings) lines.push(`warning: ${w}`)
  return lines.join('\n')
}

export function register(program: Command): void {
  program
    .command('build-workspace')
    .description('build a pyhf workspace from the regions and samples of a spec or project')
    .argument('<spec>', 'analysis spec (JSON; sample files relative to it) or PROJECT.hepwb')
    .argument(
      '<recipe>',
      'build recipe (JSON): {name, channels: [{region, observable, bins, lo, hi}], signal?, staterror?, lumi?, normsys?, histosys?}',
    )
    .requiredOption('--out <file>', 'where to write the workspace (pyhf JSON)')
    .action(
      action<BuildOptions, BuildSummary>(
        ([spec, recipe], options) => build(spec, recipe, options.out),
        human,
      ),
    )
}
