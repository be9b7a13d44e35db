/**
 * Painting the Learn view's maps on canvases: the network output (background red → white at
 * 0.5 → signal blue, the Train step's colours) and a neuron's activation (a diverging violet /
 * orange scale, as TensorFlow Playground's, scaled to the neuron's largest |value|). Maps are n × n
 * values, row-major from the plane's lower-left corner, x fastest; painted with y upwards.
 */

export type Rgb = [number, number, number]

/** The Train step's colours (TMVA's): signal blue, background red. */
export const SIGNAL: Rgb = [31, 95, 168]
export const BACKGROUND: Rgb = [214, 39, 40]
const WHITE: Rgb = [255, 255, 255]
/** Activations and weights: orange positive, violet negative (apart from the class colours). */
export const POSITIVE: Rgb = [230, 145, 56]
export const NEGATIVE: Rgb = [120, 94, 178]

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/** Output p ∈ [0, 1]: background colour at 0, white at 0.5, signal colour at 1 (softened). */
export function outputColour(p: number): Rgb {
  const t = Math.min(1, Math.max(0, p))
  return t < 0.5 ? mix(BACKGROUND, WHITE, 0.25 + 1.5 * t) : mix(WHITE, SIGNAL, 1.5 * (t - 0.5))
}

/** Activation v on a scale of ±maxAbs: blue below 0, white at 0, orange above. */
export function activationColour(v: number, maxAbs: number): Rgb {
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, v / maxAbs)) : 0
  return t < 0 ? mix(WHITE, NEGATIVE, -t) : mix(WHITE, POSITIVE, t)
}

/** One scratch canvas per map size, reused by every paint. */
const tiles = new Map<number, HTMLCanvasElement>()

/** The values as an n × n image (y upwards), drawn stretched into the box (x, y, w, h). */
export function paintMap(
  ctx: CanvasRenderingContext2D,
  values: readonly number[],
  n: number,
  colour: (v: number) => Rgb,
  box: { x: number; y: number; w: number; h: number },
): void {
  const image = new ImageData(n, n)
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      const [red, green, blue] = colour(values[r * n + c])
      const k = 4 * ((n - 1 - r) * n + c)
      image.data[k] = red
      image.data[k + 1] = green
      image.data[k + 2] = blue
      image.data[k + 3] = 255
    }
  const tile = tiles.get(n) ?? document.createElement('canvas')
  tiles.set(n, tile)
  tile.width = n
  tile.height = n
  tile.getContext('2d')!.putImageData(image, 0, 0)
  ctx.imageSmoothingEnabled = true
  ctx.drawImage(tile, box.x, box.y, box.w, box.h)
}

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number): number[] {
  const span = hi - lo
  if (!(span > 0)) return [lo]
  const raw = span / 5
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step)
    out.push(Number(v.toPrecision(6)))
  return out
}
