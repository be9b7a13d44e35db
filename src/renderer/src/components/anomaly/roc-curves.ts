/**
 * The ROC curves the Anomaly view always draws together: the anomaly score of every signal
 * sample and, beside them, the best single input variable (the honesty requirement: does the
 * model beat one cut?). Pure.
 */
import type { AnomalyEvaluation } from '../../../../shared/contract/anomaly'
import type { RocCurve } from '../train/roc-option'

export function anomalyRocCurves(e: AnomalyEvaluation): RocCurve[] {
  const curves: RocCurve[] = e.signals.map((s) => ({
    name: `score: ${s.name}`,
    eff_s: s.roc.eff_s,
    eff_b: s.roc.eff_b,
    auc: s.auc,
  }))
  const best = e.best_single_variable
  if (best)
    curves.push({
      name: `best single variable: ${best.name} (${best.direction === 'above' ? '>' : '<'} cut)`,
      eff_s: best.roc.eff_s,
      eff_b: best.roc.eff_b,
      auc: best.auc,
    })
  return curves
}

/** One sentence: does the model beat the best single variable, for the best signal? */
export function honestyVerdict(e: AnomalyEvaluation): string {
  const best = e.best_single_variable
  const aucs = e.signals.flatMap((s) => (s.auc === null ? [] : [{ name: s.name, auc: s.auc }]))
  if (!best || best.auc === null || !aucs.length)
    return 'No AUC could be computed (no signal weight).'
  const top = aucs.reduce((a, b) => (b.auc > a.auc ? b : a))
  const v = `${top.auc.toFixed(3)} for '${top.name}' vs ${best.auc.toFixed(3)} for a cut on ${best.name}`
  return top.auc > best.auc
    ? `The anomaly score beats the best single variable: AUC ${v}.`
    : `A single cut does at least as well as the model: AUC ${v}.`
}
