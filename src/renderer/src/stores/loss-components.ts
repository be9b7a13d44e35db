/**
 * The loss components of an autoencoder / VAE per epoch, as the anomaly store collects them
 * (components/anomaly/loss-components-option.ts draws them).
 */
import type { LossPoints } from './loss-points'

export interface LossComponents {
  loss: LossPoints
  val_loss: LossPoints
  reconstruction: LossPoints
  val_reconstruction: LossPoints
  kl: LossPoints
  val_kl: LossPoints
}

export function emptyComponents(): LossComponents {
  return { loss: [], val_loss: [], reconstruction: [], val_reconstruction: [], kl: [], val_kl: [] }
}
