/**
 * Writing a trained model to a folder: `<name>.hepwb-model.json` (inputs, missing-value
 * policy, preprocessing, the method's parameters or a pointer to the network, the training
 * config, summary and test AUC) and, for networks, the TensorFlow.js layers format
 * (model.json + weights, loadable with tf.loadLayersModel).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TrainResult } from '../../../shared/contract/train'
import { MODEL_JSON, WEIGHTS_BIN } from './layers-format'
import { mlpToFiles, type MlpArtifacts } from './mlp'
import type { StoredModelJSON } from './train-classifier'

/** Writes the model files into `dir` (created if needed); returns the paths written. */
export async function exportModel(
  dir: string,
  name: string,
  stored: StoredModelJSON,
  weights: Uint8Array | null,
  result: Pick<TrainResult, 'config' | 'summary' | 'evaluation'>,
): Promise<string[]> {
  await mkdir(dir, { recursive: true })
  const meta = join(dir, exportFileNames(name, stored.kind)[0])
  const document = {
    format: 'hepwb-model/1',
    name,
    kind: stored.kind,
    inputs: stored.inputs,
    missing: stored.missing,
    preprocessing: stored.preprocessing,
    ...(stored.kind === 'mlp' ? { network: 'model.json' } : { method: stored.method }),
    config: result.config,
    summary: result.summary,
    auc_test: result.evaluation.auc_test,
  }
  await writeFile(meta, JSON.stringify(document, null, 2) + '\n')
  const files = [meta]
  if (stored.kind === 'mlp' && weights) {
    const method = stored.method as Omit<MlpArtifacts, 'weightData'>
    const weightData = weights.buffer.slice(
      weights.byteOffset,
      weights.byteOffset + weights.byteLength,
    ) as ArrayBuffer
    files.push(...(await mlpToFiles({ ...method, weightData }, dir)))
  }
  return files
}

/** The names of the files exportModel writes for a model `name` of `kind` (the document first). */
export function exportFileNames(name: string, kind: StoredModelJSON['kind']): string[] {
  return [
    `${fileSafe(name)}.hepwb-model.json`,
    ...(kind === 'mlp' ? [MODEL_JSON, WEIGHTS_BIN] : []),
  ]
}

/** A file-name-safe form of a model name. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'model'
}
