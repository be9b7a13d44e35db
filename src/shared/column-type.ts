/** Element types of event-file columns, as stored in the file (`inspect` shows them). */
export const COLUMN_TYPES = [
  'float64',
  'float32',
  'int64',
  'uint64',
  'int32',
  'uint32',
  'int16',
  'uint16',
  'int8',
  'uint8',
  'bool',
] as const

export type ColumnType = (typeof COLUMN_TYPES)[number]

/** Integer-valued types (counts, flags, ids): binned one bin per value by default. */
export function isIntegerType(t: ColumnType): boolean {
  return !t.startsWith('float')
}
