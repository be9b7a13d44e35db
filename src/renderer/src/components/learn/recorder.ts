/**
 * Recording a Learn run for slides: the decision boundary canvas copied at every drawn frame
 * (at most MAX_FRAMES; beyond, every other frame is dropped so a long run still fits), exported
 * as an animated GIF (gifenc, one palette per frame) or as a ZIP of numbered PNG frames (fflate).
 */
import { zipSync } from 'fflate'
import { applyPalette, GIFEncoder, quantize } from 'gifenc'
import { dataUrlToBlob } from '../charts/data-url'

const MAX_FRAMES = 120

export class Recorder {
  private frames: ImageData[] = []

  get count(): number {
    return this.frames.length
  }

  /** Copies the canvas as it is now. */
  capture(canvas: HTMLCanvasElement): void {
    const ctx = canvas.getContext('2d')
    if (!ctx) return
    this.frames.push(ctx.getImageData(0, 0, canvas.width, canvas.height))
    if (this.frames.length > MAX_FRAMES) this.frames = this.frames.filter((_, i) => i % 2 === 0)
  }

  clear(): void {
    this.frames = []
  }

  /** The frames as a looping GIF, `delay` ms per frame (the last one held 2 s). */
  gif(delay = 150): Blob {
    if (!this.frames.length)
      throw new Error('nothing recorded yet: press Record, then step or play')
    const gif = GIFEncoder()
    this.frames.forEach((f, i) => {
      const palette = quantize(f.data, 256)
      gif.writeFrame(applyPalette(f.data, palette), f.width, f.height, {
        palette,
        delay: i === this.frames.length - 1 ? 2000 : delay,
      })
    })
    gif.finish()
    return new Blob([gif.bytes() as BlobPart], { type: 'image/gif' })
  }

  /** The frames as frame-001.png, … in a ZIP. */
  async zip(): Promise<Blob> {
    if (!this.frames.length)
      throw new Error('nothing recorded yet: press Record, then step or play')
    const files: Record<string, Uint8Array> = {}
    const canvas = document.createElement('canvas')
    for (const [i, f] of this.frames.entries()) {
      canvas.width = f.width
      canvas.height = f.height
      canvas.getContext('2d')!.putImageData(f, 0, 0)
      const blob = dataUrlToBlob(canvas.toDataURL('image/png'))
      files[`frame-${String(i + 1).padStart(3, '0')}.png`] = new Uint8Array(
        await blob.arrayBuffer(),
      )
    }
    return new Blob([zipSync(files, { level: 0 }) as BlobPart], { type: 'application/zip' })
  }
}
