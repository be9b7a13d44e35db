/** A name not yet taken (regions, output variables): `base`, else `base_2`, `base_3`, … */
export function freeName(base: string, taken: string[]): string {
  if (!taken.includes(base)) return base
  for (let i = 2; ; i++) if (!taken.includes(`${base}_${i}`)) return `${base}_${i}`
}
