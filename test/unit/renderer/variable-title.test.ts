/** The explorer's axis titles and origin badges of variables. */
import { describe, expect, it } from 'vitest'
import { axisTitle, originBadge } from '../../../src/renderer/src/components/data/variable-title'

describe('variable titles', () => {
  it('reads label [unit], falling back to the name', () => {
    expect(axisTitle('met', { label: 'E_T^miss', unit: 'GeV' })).toBe('E_T^miss [GeV]')
    expect(axisTitle('met', { unit: 'GeV' })).toBe('met [GeV]')
    expect(axisTitle('met', { label: 'E_T^miss' })).toBe('E_T^miss')
    expect(axisTitle('met', { label: '  ', unit: '' })).toBe('met')
    expect(axisTitle('Muon_pt')).toBe('Muon_pt')
  })

  it('marks derived variables and model outputs, not file columns', () => {
    expect(originBadge({ origin: 'derived', label: 'p_T' })).toEqual({
      text: 'derived',
      title: 'A derived variable of the project (Cuts view): p_T',
    })
    expect(originBadge({ origin: 'model' })?.text).toBe('model output')
    expect(originBadge({ origin: 'file' })).toBeNull()
    expect(originBadge({})).toBeNull()
  })
})
