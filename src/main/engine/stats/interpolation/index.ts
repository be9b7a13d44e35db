/**
 * HistFactory interpolation codes, as pyhf names them (pyhf.interpolators), one module each:
 *
 * normsys (multiplicative factor on a sample, hi/lo are factors relative to nominal):
 *   code1  piecewise exponential                                           (ROOT's default)
 *   code4  exponential for |α| ≥ 1, 6th-order polynomial inside             (pyhf's default)
 * histosys (additive per-bin delta; U = hi − nom, D = nom − lo per bin):
 *   code0  piecewise linear                                                 (ROOT's default)
 *   code2  quadratic inside, linear outside (ROOT's continuous form)
 *   code4p polynomial inside, linear outside                                (pyhf's default)
 *
 * Each module exports value, d1 and d2 (kernel.ts); the model compiles a workspace with the
 * modules chosen here and the likelihood calls exactly those functions.
 */
import * as code0 from './code0'
import * as code1 from './code1'
import * as code2 from './code2'
import * as code4 from './code4'
import * as code4p from './code4p'
import type { HistosysCode, NormsysCode } from './kernel'

export type { HistosysCode, NormsysCode } from './kernel'
export { NORMSYS_STRIDE } from './kernel'

export type NormsysCodeName = 'code1' | 'code4'
export type HistosysCodeName = 'code0' | 'code2' | 'code4p'

export interface InterpolationCodes {
  normsys: NormsysCodeName
  histosys: HistosysCodeName
}

/** pyhf's defaults. */
export const PYHF_CODES: InterpolationCodes = { normsys: 'code4', histosys: 'code4p' }
/** ROOT HistFactory's defaults (and pyhf's validation suite). */
export const ROOT_CODES: InterpolationCodes = { normsys: 'code1', histosys: 'code0' }

const NORMSYS: Record<NormsysCodeName, NormsysCode> = { code1, code4 }
const HISTOSYS: Record<HistosysCodeName, HistosysCode> = { code0, code2, code4p }

/** The module of a normsys code. */
export function normsysCode(name: NormsysCodeName): NormsysCode {
  return NORMSYS[name]
}

/** The module of a histosys code. */
export function histosysCode(name: HistosysCodeName): HistosysCode {
  return HISTOSYS[name]
}

export function parseInterpolationCodes(spec: string | undefined): InterpolationCodes {
  const codes: InterpolationCodes = { ...PYHF_CODES }
  if (!spec) return codes
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim())
    if (k === 'normsys' && (v === 'code1' || v === 'code4')) codes.normsys = v
    else if (k === 'histosys' && (v === 'code0' || v === 'code2' || v === 'code4p'))
      codes.histosys = v
    else {
      throw new Error(
        `bad interpolation setting '${part}' (expected normsys=code1|code4 and/or histosys=code0|code2|code4p)`,
      )
    }
  }
  return codes
}
