/**
 * The Learn step's built-in 2-D data sets, as TensorFlow Playground draws them (two Gaussians,
 * circles, XOR, spirals on the square [−6, 6]²), plus a physics one: two azimuthal angles whose
 * difference Δφ is near π for signal (back-to-back) and flat for background — an XOR-like problem
 * (diagonal bands wrapping around) that no straight line separates. Seeded: the same options give
 * the same events.
 */
import type { LearnData } from '../../../../shared/contract/learn'
import { Random } from '../../data/random'
import type { PlaygroundEvents } from './events'

type ToyData = Extract<LearnData, { kind: 'toy' }>

/** The toy set's events (2 inputs), in the order drawn; labels 1 signal, 0 background. */
export function toyEvents(data: ToyData, seed: number): PlaygroundEvents {
  const rng = new Random(seed ^ 0x5eed)
  const n = data.events
  const nSignal = Math.round(n * data.signalFraction)
  const x = new Float64Array(2 * n)
  const y = new Float64Array(n)
  const noise = data.noise
  const draw = drawers[data.set]
  for (let i = 0; i < n; i++) {
    const signal = i < nSignal
    const [a, b] = draw(rng, signal, noise)
    x[2 * i] = a
    x[2 * i + 1] = data.scale * b + data.offset
    y[i] = signal ? 1 : 0
  }
  const angles = data.set === 'backToBack'
  return {
    inputs: angles ? ['φ₁', 'φ₂'] : ['x₁', 'x₂'],
    x,
    y,
    weight: new Float64Array(n).fill(1),
    n,
    d: 2,
    // The plane is the set's own square, so that the picture does not jump between draws.
    ranges: [
      angles ? [-Math.PI, Math.PI] : [-6, 6],
      (angles ? [-Math.PI, Math.PI] : [-6, 6]).map((v) => data.scale * v + data.offset) as [
        number,
        number,
      ],
    ],
  }
}

type Drawer = (rng: Random, signal: boolean, noise: number) => [number, number]

const drawers: Record<ToyData['set'], Drawer> = {
  // Centres (2, 2) and (−2, −2); the variance grows from 0.5 to 4 with the noise (TF Playground).
  gaussians: (rng, signal, noise) => {
    const sd = Math.sqrt(0.5 + 3.5 * noise)
    const c = signal ? 2 : -2
    return [c + sd * rng.normal(), c + sd * rng.normal()]
  },
  // Signal inside r < 2.5, background in the ring 3.5 < r < 5; noise shifts each point.
  circles: (rng, signal, noise) => {
    const r = signal ? 2.5 * rng.uniform() : 3.5 + 1.5 * rng.uniform()
    const angle = 2 * Math.PI * rng.uniform()
    return [
      r * Math.sin(angle) + 5 * noise * (2 * rng.uniform() - 1),
      r * Math.cos(angle) + 5 * noise * (2 * rng.uniform() - 1),
    ]
  },
  // Signal in the quadrants where x₁·x₂ > 0, kept 0.3 away from the axes, then smeared.
  xor: (rng, signal, noise) => {
    const side = () => (0.3 + 4.7 * rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1)
    const a = side()
    let b = Math.abs(side())
    if (a > 0 !== signal) b = -b
    return [a + 5 * noise * (2 * rng.uniform() - 1), b + 5 * noise * (2 * rng.uniform() - 1)]
  },
  // Two interleaved spirals (signal turned by π).
  spirals: (rng, signal, noise) => {
    const t = rng.uniform()
    const r = 5 * t
    const angle = 1.75 * t * 2 * Math.PI + (signal ? 0 : Math.PI)
    return [
      r * Math.sin(angle) + 5 * noise * (2 * rng.uniform() - 1),
      r * Math.cos(angle) + 5 * noise * (2 * rng.uniform() - 1),
    ]
  },
  // φ₁ flat; signal φ₂ = φ₁ + π smeared by a normal of width 0.4 + noise, background φ₂ flat.
  backToBack: (rng, signal, noise) => {
    const wrap = (v: number) => v - 2 * Math.PI * Math.floor((v + Math.PI) / (2 * Math.PI))
    const p1 = Math.PI * (2 * rng.uniform() - 1)
    const p2 = signal
      ? wrap(p1 + Math.PI + (0.4 + noise) * rng.normal())
      : Math.PI * (2 * rng.uniform() - 1)
    return [p1, p2]
  },
}
