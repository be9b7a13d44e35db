/**
 * The data the end-to-end specs read: test/data/ in the repository (the same folder as the unit
 * tests' DATA in test/unit/io/shared-data.ts, which imports vitest and so cannot serve here).
 */
import { join } from 'node:path'

export const DATA = join(__dirname, '..', 'data')
