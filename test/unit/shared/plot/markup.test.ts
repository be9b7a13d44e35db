import { describe, expect, it } from 'vitest'
import {
  escapeMarkup,
  italicVariables,
  markupText,
  markupToLatex,
  parseMarkup,
} from '../../../../src/shared/plot/markup'

describe('TeX-like label markup', () => {
  it('reads subscripts, superscripts and Greek letters in ROOT and LaTeX spelling', () => {
    expect(parseMarkup('p_{T}').map((r) => [r.text, r.shift])).toEqual([
      ['p', 0],
      ['T', -1],
    ])
    expect(markupText('#eta')).toBe('η')
    expect(markupText('\\eta')).toBe('η')
    expect(markupText('m_{\\ell\\ell} [GeV]')).toBe('mℓℓ [GeV]')
    expect(parseMarkup('E_{T}^{miss}').map((r) => r.shift)).toEqual([0, -1, 1])
    expect(parseMarkup('t#bar{t}')[1]).toMatchObject({ text: 't', overline: true })
  })

  it('keeps unknown commands and plain text as typed', () => {
    expect(markupText('#foo{x} 50% & more')).toBe('#foox 50% & more')
    expect(markupText('Events / 5 GeV')).toBe('Events / 5 GeV')
  })

  it('writes LaTeX with math only where scripts and symbols are', () => {
    expect(markupToLatex('p_{T} [GeV]')).toBe('$p_{T}$ [GeV]')
    expect(markupToLatex('m_{\\ell\\ell} [GeV]')).toBe('$m_{\\ell \\ell}$ [GeV]')
    expect(markupToLatex('E_{T}^{miss}')).toBe('$E_{T}^{\\mathrm{miss}}$')
    expect(markupToLatex('#eta')).toBe('$\\eta$')
    expect(markupToLatex('t#bar{t}')).toBe('$t\\bar{t}$')
    expect(markupToLatex('50% & more')).toBe('50\\% \\& more')
  })
})

describe('italic variables', () => {
  const italics = (s: string) =>
    italicVariables(parseMarkup(s))
      .filter((r) => r.italic)
      .map((r) => r.text)
  it('sets a single letter with a subscript or under a root in italic, not particle names', () => {
    expect(italics('m_{#mu#mu} [GeV]')).toEqual(['m'])
    expect(italics('p_{T}^{lead}')).toEqual(['p'])
    expect(italics('#sqrt{s} = 13 TeV')).toEqual(['s'])
    expect(italics('Z#rightarrow#mu#mu')).toEqual([])
    expect(italics('t#bar{t}')).toEqual([])
    expect(italics('Events / 5 GeV')).toEqual([])
  })
})

describe('identifiers and Unicode bars', () => {
  const shifts = (s: string) => parseMarkup(s).map((r) => [r.text, r.shift])
  it('keeps the underscores of identifiers, takes bare scripts after a one-letter base', () => {
    expect(markupText('MET_pt')).toBe('MET_pt')
    expect(markupText('DER_mass_MMC')).toBe('DER_mass_MMC')
    expect(shifts('E_T^miss')).toEqual([
      ['E', 0],
      ['T', -1],
      ['miss', 1],
    ])
    expect(shifts('m_ll [GeV]')).toEqual([
      ['m', 0],
      ['ll', -1],
      [' [GeV]', 0],
    ])
    expect(markupText(escapeMarkup('p_{T}#1'))).toBe('p_{T}#1')
  })
  it('draws a combining bar (t̄) as an overline', () => {
    expect(parseMarkup('tt\u0304')).toEqual([
      { text: 't', shift: 0, italic: false, bold: false, overline: false },
      { text: 't', shift: 0, italic: false, bold: false, overline: true },
    ])
  })
})
