/** Which samples a model learns from, as the set-up forms keep it. */

export type SampleClass = 'signal' | 'background'

/**
 * The samples of one class: the ticked ones, or — none ticked — every simulated sample of that
 * role (as set in Data), so a sample added later joins by its role.
 */
export function chosenSamples(
  samples: readonly { spec: { name: string; role: string } }[],
  ticked: readonly string[],
  which: SampleClass,
): string[] {
  return ticked.length
    ? [...ticked]
    : samples.filter((s) => s.spec.role === which).map((s) => s.spec.name)
}
