/**
 * A trained autoencoder / VAE on the chosen TensorFlow.js backend for the length of one piece
 * of work: its weights become tensors, `f` gets the runner, and the tensors are freed after,
 * whatever `f` does. The window, the command line and a tuning trial score models through it.
 */
import { chooseBackend } from '../backend'
import {
  type AnomalyModel,
  disposeTensors,
  modelTensors,
  type StackRunner,
  tensorRunner,
} from './model'

export async function withModelRunner<T>(
  model: AnomalyModel,
  f: (run: StackRunner) => T,
): Promise<T> {
  const { tf } = await chooseBackend()
  const tensors = modelTensors(tf, model.arch, model.weights)
  try {
    return f(tensorRunner(tf, model.arch, tensors))
  } finally {
    disposeTensors(tensors)
  }
}
