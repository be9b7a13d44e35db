/**
 * The HistFactory modifier types by their workspace name, one module each (pyhf
 * `pyhf.modifiers`); model.ts compiles a workspace through this table.
 */
import type { Modifier, ModifierType as TypeName } from '../workspace'
import { histosys } from './histosys'
import { lumi } from './lumi'
import type { ModifierType } from './modifier'
import { normfactor } from './normfactor'
import { normsys } from './normsys'
import { shapefactor } from './shapefactor'
import { shapesys } from './shapesys'
import { staterror } from './staterror'

export type { ConstraintType, ModifierType, ParamKind, ParamSetDraft, Terms } from './modifier'
export { SCALAR_NORMSYS, SCALAR_PARAMETER } from './modifier'

const TYPES: { [T in TypeName]: ModifierType<Extract<Modifier, { type: T }>> } = {
  normfactor,
  lumi,
  normsys,
  histosys,
  shapefactor,
  shapesys,
  staterror,
}

/** The module of a modifier's type. */
export function modifierType(m: Modifier): ModifierType {
  return TYPES[m.type] as ModifierType
}
