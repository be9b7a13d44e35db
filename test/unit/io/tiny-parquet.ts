/**
 * A minimal Parquet writer for tests (no Parquet writer is installed): one row group, one
 * uncompressed PLAIN data page per column, REQUIRED flat columns of DOUBLE, INT32, BOOLEAN or
 * BYTE_ARRAY (strings). The footer is Thrift compact protocol, written by hand from
 * parquet.thrift (FileMetaData, SchemaElement, RowGroup, ColumnChunk, ColumnMetaData,
 * PageHeader, DataPageHeader).
 */
export type TinyColumn =
  | { name: string; type: 'DOUBLE'; values: ArrayLike<number> }
  | { name: string; type: 'INT32'; values: ArrayLike<number> }
  | { name: string; type: 'BOOLEAN'; values: ArrayLike<boolean> }
  | { name: string; type: 'BYTE_ARRAY'; values: readonly string[] }

const PARQUET_TYPE = { BOOLEAN: 0, INT32: 1, DOUBLE: 5, BYTE_ARRAY: 6 } as const

/** Thrift compact protocol encoder (only what the footer needs). */
class Compact {
  private bytes: number[] = []
  private lastField: number[] = [0]

  private varint(n: bigint): void {
    let v = n
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.bytes.push(Number(v))
  }
  private zigzag(n: number): void {
    const b = BigInt(n)
    this.varint(b >= 0n ? b << 1n : (-b << 1n) - 1n)
  }
  private field(id: number, type: number): void {
    const last = this.lastField[this.lastField.length - 1]
    this.bytes.push(((id - last) << 4) | type)
    this.lastField[this.lastField.length - 1] = id
  }
  i32(id: number, v: number): this {
    this.field(id, 5)
    this.zigzag(v)
    return this
  }
  i64(id: number, v: number): this {
    this.field(id, 6)
    this.zigzag(v)
    return this
  }
  str(id: number, s: string): this {
    this.field(id, 8)
    const b = Buffer.from(s, 'utf8')
    this.varint(BigInt(b.length))
    this.bytes.push(...b)
    return this
  }
  struct(id: number, body: (c: this) => void): this {
    this.field(id, 12)
    this.lastField.push(0)
    body(this)
    this.bytes.push(0)
    this.lastField.pop()
    return this
  }
  /** List of i32 (elemType 5), strings (8) or structs (12). */
  list<T>(
    id: number,
    elemType: 5 | 8 | 12,
    items: readonly T[],
    write: (c: this, x: T) => void,
  ): this {
    this.field(id, 9)
    if (items.length < 15) this.bytes.push((items.length << 4) | elemType)
    else {
      this.bytes.push(0xf0 | elemType)
      this.varint(BigInt(items.length))
    }
    for (const x of items) {
      if (elemType === 12) {
        this.lastField.push(0)
        write(this, x)
        this.bytes.push(0)
        this.lastField.pop()
      } else write(this, x)
    }
    return this
  }
  rawI32(v: number): void {
    this.zigzag(v)
  }
  rawStr(s: string): void {
    const b = Buffer.from(s, 'utf8')
    this.varint(BigInt(b.length))
    this.bytes.push(...b)
  }
  end(): Uint8Array {
    this.bytes.push(0)
    return Uint8Array.from(this.bytes)
  }
}

function plain(c: TinyColumn): Buffer {
  switch (c.type) {
    case 'DOUBLE': {
      const b = Buffer.alloc(8 * c.values.length)
      for (let i = 0; i < c.values.length; i++) b.writeDoubleLE(c.values[i], 8 * i)
      return b
    }
    case 'INT32': {
      const b = Buffer.alloc(4 * c.values.length)
      for (let i = 0; i < c.values.length; i++) b.writeInt32LE(c.values[i], 4 * i)
      return b
    }
    case 'BOOLEAN': {
      const b = Buffer.alloc(Math.ceil(c.values.length / 8))
      for (let i = 0; i < c.values.length; i++) if (c.values[i]) b[i >> 3] |= 1 << (i & 7)
      return b
    }
    case 'BYTE_ARRAY':
      return Buffer.concat(
        c.values.map((s) => {
          const v = Buffer.from(s, 'utf8')
          const len = Buffer.alloc(4)
          len.writeInt32LE(v.length)
          return Buffer.concat([len, v])
        }),
      )
  }
}

/** Bytes of a Parquet file holding `columns` (all of the same length). */
export function tinyParquet(columns: readonly TinyColumn[]): Uint8Array {
  const rows = columns[0]?.values.length ?? 0
  const parts: Buffer[] = [Buffer.from('PAR1')]
  let offset = 4
  const chunks: { c: TinyColumn; offset: number; size: number }[] = []
  for (const c of columns) {
    const data = plain(c)
    const header = new Compact()
      .i32(1, 0) // DATA_PAGE
      .i32(2, data.length)
      .i32(3, data.length)
      .struct(5, (h) => h.i32(1, rows).i32(2, 0).i32(3, 3).i32(4, 3))
      .end()
    chunks.push({ c, offset, size: header.length + data.length })
    parts.push(Buffer.from(header), data)
    offset += header.length + data.length
  }
  const footer = new Compact()
    .i32(1, 1)
    .list(2, 12, [undefined, ...columns], (s, c) => {
      if (!c) s.str(4, 'schema').i32(5, columns.length)
      else s.i32(1, PARQUET_TYPE[c.type]).i32(3, 0).str(4, c.name)
    })
    .i64(3, rows)
    .list(4, 12, [0], (g) => {
      g.list(1, 12, chunks, (cc, { c, offset: off, size }) => {
        cc.i64(2, off).struct(3, (m) => {
          m.i32(1, PARQUET_TYPE[c.type])
            .list(2, 5, [0], (x, e) => x.rawI32(e))
            .list(3, 8, [c.name], (x, s) => x.rawStr(s))
            .i32(4, 0)
            .i64(5, rows)
            .i64(6, size)
            .i64(7, size)
            .i64(9, off)
        })
      })
      g.i64(2, offset).i64(3, rows)
    })
    .end()
  const len = Buffer.alloc(4)
  len.writeInt32LE(footer.length)
  parts.push(Buffer.from(footer), len, Buffer.from('PAR1'))
  return new Uint8Array(Buffer.concat(parts))
}
