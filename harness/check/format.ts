/** Readable forms of a verdict, for the command line and for reports. */
import type { Verdict } from './types.ts';

/** The verdict line, e.g. `linearizable (1000 operations, 4 partitions, 5321 search steps)`. */
export function verdictLine(verdict: Verdict): string {
  const figures = `${verdict.operationCount} operations, ${verdict.partitionCount} partition${verdict.partitionCount === 1 ? '' : 's'}, ${verdict.searchSteps} search steps${verdict.appendOrderPartitions > 0 ? `, ${verdict.appendOrderPartitions} by append order` : ''}`;
  switch (verdict.state) {
    case 'linearizable':
      return `linearizable (${figures})`;
    case 'not-linearizable':
      return `not linearizable (${figures})`;
    case 'unknown':
      return `unknown: ${verdict.reason} (${figures})`;
  }
}

/** The verdict line, and for a failure the explanation below it. */
export function formatVerdict(verdict: Verdict): string {
  if (verdict.state !== 'not-linearizable') return verdictLine(verdict);
  return `${verdictLine(verdict)}\n${verdict.explanation.text}`;
}
