/**
 * What an autoencoder or VAE shows while it trains (issue 14): the job's `anomaly.watch`
 * snapshots (JobContext.snapshot), sent after each step while paused and a few times a second
 * while running. A few chosen events (one per process, from the validation part) as input vs
 * reconstruction per input, and the latent space of a sample of events per process (the 2-D
 * latent itself, or its first two principal components).
 */
import { z } from 'zod'

/** The snapshot name of an autoencoder's or VAE's watch. */
export const ANOMALY_WATCH = 'anomaly.watch'

export const WatchedEvent = z.object({
  /** The process (sample) the event comes from. */
  process: z.string(),
  role: z.enum(['signal', 'background']),
  /**
   * Per input, the value the loss compares (standardised for an autoencoder and Gaussian
   * inputs, the raw value for other VAE families) and the decoder's mean of it.
   */
  input: z.array(z.number()),
  reconstruction: z.array(z.number()),
  /** The event's reconstruction loss (and, VAE, KL) now. */
  loss: z.number().nullable(),
})
export type WatchedEvent = z.infer<typeof WatchedEvent>

export const WatchedLatent = z.object({
  /** 'latent': the latent coordinates themselves (latent size ≤ 2); 'pca': two principal components. */
  axes: z.enum(['latent', 'pca']),
  /** PCA: the fraction of the variance along each axis. */
  explained: z.array(z.number()),
  processes: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['signal', 'background']),
      /** [x, y] per event. */
      points: z.array(z.tuple([z.number(), z.number()])),
    }),
  ),
})
export type WatchedLatent = z.infer<typeof WatchedLatent>

export const AnomalyWatch = z.object({
  /** Epochs begun and batches run when the picture was taken. */
  epoch: z.number().int(),
  batch: z.number().int(),
  inputs: z.array(z.string()),
  events: z.array(WatchedEvent),
  latent: WatchedLatent,
})
export type AnomalyWatch = z.infer<typeof AnomalyWatch>
