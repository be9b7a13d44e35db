/**
 * Painting a map of the Learn view on a canvas: n × n values, row-major from the plane's
 * lower-left corner, x fastest, painted with y upwards through a colour scale (map-paint.ts).
 */
import type { Rgb } from './map-paint'

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
