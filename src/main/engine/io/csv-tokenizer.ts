/**
 * Splitting CSV text into rows of fields (RFC 4180 quoting, CRLF or LF, a UTF-8 BOM, delimiter
 * ',' ';' or tab detected from the header), chunk by chunk as the file streams in.
 */

/**
 * Splits CSV text into rows of fields across chunk boundaries. `feed` keeps an unfinished row
 * (possibly inside quotes) and re-reads it with the next chunk.
 */
export class Tokenizer {
  private carry = ''
  /** 1-based line where the next row starts. */
  line = 1
  delimiter = -1
  /**
   * Offset in the input (characters fed; bytes when fed latin1 text) where the row being handed
   * out ends — where the next row may start (csv-index.ts cuts files there).
   */
  rowEnd = 0
  /** Offset in the input of `carry`'s first character; of the current text during feed. */
  private base = 0

  constructor(private readonly onRow: (fields: string[], line: number) => boolean) {}

  /** Returns false once onRow asked to stop. */
  feed(chunk: string, final: boolean): boolean {
    let text = this.carry + chunk
    if (this.delimiter < 0) {
      if (text.charCodeAt(0) === 0xfeff) {
        text = text.slice(1)
        this.base++
      }
      const nl = text.indexOf('\n')
      if (nl < 0 && !final) {
        this.carry = text
        return true
      }
      this.delimiter = detectDelimiter(nl < 0 ? text : text.slice(0, nl))
    }
    const d = this.delimiter
    const n = text.length
    let rowStart = 0
    let i = 0
    let fields: string[] = []
    let breaks = 0 // line breaks inside quoted fields of the current row
    const delim = String.fromCharCode(d)
    let nextQuote = text.indexOf('"')
    for (;;) {
      if (fields.length === 0) {
        // Fast path: a whole line without quotes is split natively.
        if (nextQuote >= 0 && nextQuote < i) nextQuote = text.indexOf('"', i)
        const nl = text.indexOf('\n', i)
        const end = nl < 0 ? n : nl
        if ((nl >= 0 || final) && (nextQuote < 0 || nextQuote >= end)) {
          if (i >= n) {
            rowStart = n
            break
          }
          const i0 = i
          const cut = end > i && text.charCodeAt(end - 1) === 13 ? end - 1 : end
          i = nl < 0 ? n : nl + 1
          if (!this.emit(text.slice(i0, cut).split(delim), 1, i)) return false
          rowStart = i
          continue
        }
      }
      // At the start of a field.
      if (i >= n) {
        if (!final) break
        if (fields.length) {
          fields.push('') // the row ended with a delimiter
          if (!this.emit(fields, breaks + 1, n)) return false
        }
        rowStart = n
        break
      }
      let value: string
      if (text.charCodeAt(i) === 34 /* " */) {
        let j = i + 1
        value = ''
        let end = -1
        for (;;) {
          const q = text.indexOf('"', j)
          if (q < 0 || (q + 1 >= n && !final)) break // closing quote not seen yet
          value += text.slice(j, q)
          if (text.charCodeAt(q + 1) === 34) {
            value += '"'
            j = q + 2
            continue
          }
          end = q + 1
          break
        }
        if (end < 0) {
          if (!final) break
          throw new Error('unterminated quoted field')
        }
        for (let k = i; k < end; k++) if (text.charCodeAt(k) === 10) breaks++
        i = end
      } else {
        let j = i
        while (j < n) {
          const c = text.charCodeAt(j)
          if (c === d || c === 10 || c === 13) break
          j++
        }
        if (j === n && !final) break
        value = text.slice(i, j)
        i = j
      }
      fields.push(value)
      // After a field: a delimiter, a line end, or the end of the input.
      if (i >= n) {
        if (!final) break
        if (!this.emit(fields, breaks + 1, n)) return false
        rowStart = n
        break
      }
      const c = text.charCodeAt(i)
      if (c === d) {
        i++
        continue
      }
      if (c !== 10 && c !== 13) throw new Error('text after a closing quote')
      if (c === 13 && i + 1 >= n && !final) break // a \n may follow in the next chunk
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1
      if (!this.emit(fields, breaks + 1, i)) return false
      fields = []
      breaks = 0
      rowStart = i
    }
    this.carry = text.slice(rowStart)
    this.base += rowStart
    return true
  }

  /**
   * Hands a row out; `lines` is how many lines it spanned, `end` where it ends in the current
   * text. Blank lines are dropped.
   */
  private emit(fields: string[], lines: number, end: number): boolean {
    const at = this.line
    this.line += lines
    this.rowEnd = this.base + end
    if (fields.length === 1 && fields[0].trim() === '') return true
    return this.onRow(fields, at)
  }
}

/** The first of , ; tab found in the header line (default comma). */
function detectDelimiter(header: string): number {
  for (const d of [',', ';', '\t']) if (header.includes(d)) return d.charCodeAt(0)
  return 44
}
