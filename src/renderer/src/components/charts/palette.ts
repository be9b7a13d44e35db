/** Process colours: the same name always gets the same colour (in every plot of a session). */
const PALETTE = [
  '#6fa8dc',
  '#f6b26b',
  '#93c47d',
  '#8e7cc3',
  '#e06666',
  '#76a5af',
  '#ffd966',
  '#c27ba0',
  '#a2c4c9',
  '#b6d7a8',
  '#f9cb9c',
  '#b4a7d6',
  '#d5a6bd',
  '#9fc5e8',
]

const assigned = new Map<string, string>()

export function colourFor(name: string): string {
  let c = assigned.get(name)
  if (!c) {
    c = PALETTE[assigned.size % PALETTE.length]
    assigned.set(name, c)
  }
  return c
}
