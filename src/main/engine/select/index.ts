/**
 * Selection: compiled expressions (docs/expressions.md) over columnar events, and cut masks.
 * Cut-flows and regions build on these.
 */
export { compile, type CompiledExpr } from './compile'
export { andMasks, compileMask, countMask, evaluateMask, type CompiledMask } from './mask'
export { columnProvider, type ColumnProvider } from './provider'
