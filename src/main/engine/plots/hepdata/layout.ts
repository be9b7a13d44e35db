/**
 * A submission laid out as files: submission.yaml's documents (the submission-wide one first,
 * then one per table naming its data file), one data file per table, and the resource files.
 * File names come from the table names (lower case, [a-z0-9_], unique), so the same submission
 * always gives the same files.
 */
import type { DataTable, Resource, Submission, Table } from './record'

/** One table's document in submission.yaml. */
export interface TableDocument {
  name: string
  description: string
  location?: string
  keywords: Table['keywords']
  data_file: string
  additional_resources?: Omit<Resource, 'content'>[]
}

export interface InfoDocument {
  comment: string
  additional_resources?: Omit<Resource, 'content'>[]
}

export interface LaidOutTable {
  table: Table
  document: TableDocument
  /** The data file's name and content. */
  file: string
  data: DataTable
}

export interface Layout {
  info: InfoDocument
  tables: LaidOutTable[]
  /** Files of resources (pyhf workspaces, figures), by location. */
  resources: Map<string, Uint8Array | string>
}

/** `name` as a file stem: lower case letters, digits and '_' (at most 48 characters). */
export function fileStem(name: string): string {
  const stem = name
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48)
  return stem || 'table'
}

/** A stem not yet in `taken` (stem, stem_2, stem_3, …), added to it. */
function unique(stem: string, ext: string, taken: Set<string>): string {
  let name = `${stem}${ext}`
  for (let k = 2; taken.has(name); k++) name = `${stem}_${k}${ext}`
  taken.add(name)
  return name
}

function listed(resources: readonly Resource[]): Omit<Resource, 'content'>[] {
  return resources.map(({ content: _content, ...r }) => r)
}

/**
 * The files of `submission`. `figures` maps a table (by index) to its rendered image and
 * thumbnail (PNG bytes), which become the table's first two resources as HEPData expects them
 * ("Image file", "Thumbnail image file").
 */
export function layOut(
  submission: Submission,
  figures: ReadonlyMap<number, { png: Uint8Array; thumbnail: Uint8Array }> = new Map(),
): Layout {
  const taken = new Set(['submission.yaml'])
  const resources = new Map<string, Uint8Array | string>()
  const keep = (list: readonly Resource[]): void => {
    for (const r of list) {
      if (r.content === undefined) continue
      resources.set(r.location, r.content)
      taken.add(r.location)
    }
  }
  keep(submission.resources)
  for (const t of submission.tables) keep(t.resources ?? [])
  const tables = submission.tables.map((table, i): LaidOutTable => {
    const stem = fileStem(table.name)
    const file = unique(stem, '.yaml', taken)
    const own = [...(table.resources ?? [])]
    const figure = figures.get(i)
    if (figure) {
      const image = unique(stem, '.png', taken)
      const thumb = unique(`thumb_${stem}`, '.png', taken)
      resources.set(image, figure.png)
      resources.set(thumb, figure.thumbnail)
      own.unshift(
        { location: image, description: 'Image file' },
        { location: thumb, description: 'Thumbnail image file' },
      )
    }
    const document: TableDocument = {
      name: table.name,
      description: table.description,
      ...(table.location ? { location: table.location } : {}),
      keywords: table.keywords,
      data_file: file,
      ...(own.length ? { additional_resources: listed(own) } : {}),
    }
    return { table, document, file, data: table.data }
  })
  const info: InfoDocument = {
    comment: submission.comment,
    ...(submission.resources.length ? { additional_resources: listed(submission.resources) } : {}),
  }
  return { info, tables, resources }
}
