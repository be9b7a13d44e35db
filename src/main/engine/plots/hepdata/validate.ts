/**
 * Checks a laid-out submission against the HEPData format 1.1.x (schema/, JSON Schema
 * draft-07, with ajv) and the rules a schema cannot state (one value per bin in every
 * dependent variable, unique table names, resources that exist), and says what is wrong in
 * plain words: which table, which data file, which field, what is wrong. Nothing is written
 * before this passes (write.ts).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import dataSchema from './schema/data.schema.json'
import infoSchema from './schema/info.schema.json'
import resourcesSchema from './schema/resources.schema.json'
import tableSchema from './schema/table.schema.json'
import type { Layout } from './layout'
import { hepdataProblemText, type HepdataProblem } from '../../../../shared/contract/hepdata'

/** One problem: where (table, file, field as a path of words) and what. */
export type Problem = HepdataProblem

/** The whole problem as one line. */
export const problemText = hepdataProblemText

export class HepdataValidationError extends Error {
  override readonly name = 'HepdataValidationError'
  constructor(readonly problems: readonly Problem[]) {
    const head = problems.slice(0, 10).map(problemText)
    const more = problems.length > 10 ? [`… and ${problems.length - 10} more`] : []
    super(
      `the HEPData submission is not valid (format 1.1.x), nothing was written:\n` +
        [...head, ...more].map((l) => `  ${l}`).join('\n'),
    )
  }
}

interface Validators {
  table: ValidateFunction
  data: ValidateFunction
  info: ValidateFunction
}

/** A schema set: ours (bundled), or the validator's own files from a folder. */
function compile(schemas: readonly object[], ids: { table: string; data: string; info: string }) {
  // strict off: HEPData's schemas use union types with string keywords (maxLength on
  // ["string", "number"]) and annotation keywords ajv does not know ("name").
  // verbose: errors carry the offending value, which the messages quote.
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
  for (const s of schemas) ajv.addSchema(s)
  const get = (id: string): ValidateFunction => {
    const v = ajv.getSchema(id)
    if (!v) throw new Error(`HEPData schema ${id} is missing`)
    return v
  }
  return { table: get(ids.table), data: get(ids.data), info: get(ids.info) }
}

let bundled: Validators | undefined
function ours(): Validators {
  bundled ??= compile([resourcesSchema, tableSchema, dataSchema, infoSchema], {
    table: tableSchema.$id,
    data: dataSchema.$id,
    info: infoSchema.$id,
  })
  return bundled
}

const official = new Map<string, Validators>()
/**
 * hepdata-validator's own schema files, when HEPWB_HEPDATA_SCHEMAS names a folder holding
 * them (submission_schema.json, data_schema.json, additional_info_schema.json,
 * additional_resources_schema.json); undefined otherwise.
 */
function theirs(): Validators | undefined {
  const dir = process.env.HEPWB_HEPDATA_SCHEMAS
  if (!dir) return undefined
  const known = official.get(dir)
  if (known) return known
  const need = ['submission', 'data', 'additional_info', 'additional_resources']
  const files = existsSync(dir) ? readdirSync(dir) : []
  const missing = need.filter((n) => !files.includes(`${n}_schema.json`))
  if (missing.length)
    throw new Error(
      `HEPWB_HEPDATA_SCHEMAS=${dir}: ${missing.map((n) => `${n}_schema.json`).join(', ')} not found there`,
    )
  const schemas = need.map(
    (n) => JSON.parse(readFileSync(join(dir, `${n}_schema.json`), 'utf8')) as { $id: string },
  )
  const v = compile(schemas, { table: schemas[0].$id, data: schemas[1].$id, info: schemas[2].$id })
  official.set(dir, v)
  return v
}

/** Every problem of `layout`, in file order (empty when it is valid). */
export function validateLayout(layout: Layout): Problem[] {
  const problems: Problem[] = []
  const sets = [ours(), theirs()].filter((v): v is Validators => v !== undefined)
  const check = (
    which: keyof Validators,
    doc: unknown,
    table: string | null,
    file: string,
    describe: Describe,
  ): void => {
    for (const v of sets) {
      if (v[which](doc)) continue
      for (const e of simplify(v[which].errors ?? []))
        problems.push({ table, file, field: describe(e.instancePath), message: words(e) })
    }
  }
  check('info', layout.info, null, 'submission.yaml', describeDocument)
  const names = new Set<string>()
  for (const t of layout.tables) {
    const name = t.document.name
    if (names.has(name))
      problems.push({
        table: name,
        file: 'submission.yaml',
        field: 'name',
        message: 'another table has the same name; table names must be unique',
      })
    names.add(name)
    check('table', t.document, name, 'submission.yaml', describeDocument)
    check('data', t.data, name, t.file, describeData(t.data))
    problems.push(...consistency(t.data, name, t.file))
    for (const r of t.document.additional_resources ?? []) missingResource(r.location, name)
  }
  for (const r of layout.info.additional_resources ?? []) missingResource(r.location, null)
  function missingResource(location: string, table: string | null): void {
    if (/^[a-z]+:\/\//i.test(location) || layout.resources.has(location)) return
    problems.push({
      table,
      file: 'submission.yaml',
      field: `additional resource '${location}'`,
      message: 'names a file that is not part of the submission',
    })
  }
  // The same problem from both schema sets is said once.
  const seen = new Set<string>()
  return problems.filter((p) => {
    const key = problemText(p)
    return seen.has(key) ? false : (seen.add(key), true)
  })
}

/** Every dependent variable has as many values as each independent variable. */
function consistency(
  data: Layout['tables'][number]['data'],
  table: string,
  file: string,
): Problem[] {
  const out: Problem[] = []
  if (!Array.isArray(data?.independent_variables) || !Array.isArray(data?.dependent_variables))
    return out
  const n = data.independent_variables[0]?.values?.length
  if (n === undefined) return out
  const describe = describeData(data)
  data.independent_variables.forEach((v, i) => {
    if (Array.isArray(v?.values) && v.values.length !== n)
      out.push({
        table,
        file,
        field: describe(`/independent_variables/${i}`),
        message: `has ${v.values.length} values but the first independent variable has ${n}`,
      })
  })
  data.dependent_variables.forEach((v, i) => {
    if (Array.isArray(v?.values) && v.values.length !== n)
      out.push({
        table,
        file,
        field: describe(`/dependent_variables/${i}`),
        message: `has ${v.values.length} values but there are ${n} independent values (bins or points)`,
      })
  })
  return out
}

/**
 * ajv reports a failed oneOf together with why each branch failed; the branches' errors say
 * nothing a user can act on, so a oneOf failure replaces the errors under its own path.
 */
function simplify(errors: readonly ErrorObject[]): ErrorObject[] {
  const oneOf = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath)
  return errors.filter(
    (e) =>
      e.keyword === 'oneOf' ||
      !oneOf.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)),
  )
}

type Describe = (instancePath: string) => string

const fieldWords: Record<string, string> = {
  independent_variables: 'independent variable',
  dependent_variables: 'dependent variable',
  values: 'value',
  errors: 'error',
  qualifiers: 'qualifier',
  keywords: 'keyword',
  additional_resources: 'additional resource',
}

/** A path in submission.yaml's document in words: "keyword 2, values, value 1". */
function describeDocument(path: string): string {
  return segments(path)
    .map((s, i, all) => {
      if (/^\d+$/.test(s)) return null
      const next = all[i + 1]
      const label = fieldWords[s]
      return label && next !== undefined && /^\d+$/.test(next) ? `${label} ${Number(next) + 1}` : s
    })
    .filter((s): s is string => s !== null)
    .join(', ')
}

/** A path in a data file in words, naming variables by their header: "dependent variable 2 (Zmumu), value 4". */
function describeData(data: unknown): Describe {
  return (path) => {
    const parts = segments(path)
    const words: string[] = []
    let node: unknown = data
    for (let i = 0; i < parts.length; i++) {
      const s = parts[i]
      const next = parts[i + 1]
      const child = (node as Record<string, unknown> | undefined)?.[s]
      if (fieldWords[s] && next !== undefined && /^\d+$/.test(next)) {
        const item = (child as unknown[] | undefined)?.[Number(next)]
        const header = (item as { header?: { name?: unknown } } | undefined)?.header?.name
        const named = typeof header === 'string' && header ? ` (${header})` : ''
        words.push(`${fieldWords[s]} ${Number(next) + 1}${named}`)
        node = item
        i++
      } else {
        words.push(s)
        node = child
      }
    }
    return words.join(', ')
  }
}

function segments(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** What is wrong, in words, from one ajv error. */
function words(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required':
      return `'${String(p.missingProperty)}' is missing`
    case 'additionalProperties':
      return `'${String(p.additionalProperty)}' is not a field HEPData knows here`
    case 'type': {
      const want = String(p.type).split(',').join(' or ')
      return `must be ${want === 'array' ? 'a list' : want === 'object' ? 'a mapping' : `a ${want}`}, not ${kind(e.data)}`
    }
    case 'maxLength':
      return `is ${String(e.data).length} characters long; at most ${String(p.limit)} are allowed`
    case 'enum':
      return `'${String(e.data)}' is not allowed; use one of ${(p.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(', ')}`
    case 'pattern':
      return `'${String(e.data)}' is not of the required form`
    case 'oneOf':
      return /\/errors\/\d+$/.test(e.instancePath)
        ? 'an error needs exactly one of symerror (symmetric) or asymerror (plus and minus)'
        : 'must be either a point {value} or a bin {low, high} with numbers'
    default:
      return e.message ?? e.keyword
  }
}

function kind(x: unknown): string {
  if (x === null) return 'empty'
  if (Array.isArray(x)) return 'a list'
  if (typeof x === 'object') return 'a mapping'
  if (typeof x === 'string') return `the text '${x}'`
  return `${typeof x} ${String(x)}`
}
