/**
 * The checkers of a run, composed from a list (as Jepsen and Maelstrom compose theirs): each reads
 * the one recorded history of the run — the client operations, what the network and the hosts
 * saw, the fault record — and returns a verdict with its evidence. The checkers sit outside the
 * system under test: none of them takes a strategy's word for what happened, except where the
 * evidence says so (the output-rule audit's `backup-holds` points).
 */
import { checkHistory } from '../check/check.ts';
import { findModel } from '../check/models/index.ts';
import type { Operation as CheckerOperation } from '../check/types.ts';
import { availabilityVerdict, livenessVerdict, type RecoveryInputs } from '../faults/recovery.ts';
import type { CheckerName, Verdict, Verdicts } from './types.ts';
import type { World } from './world.ts';

/** What the checkers read: the world after the run, the checkable history, the fault record. */
export interface CheckedRun {
  readonly world: World;
  readonly model: string;
  readonly operations: readonly CheckerOperation<unknown, unknown>[];
  readonly init: unknown;
  readonly budgetSteps: number;
  readonly recovery: RecoveryInputs;
}

export interface Checker {
  readonly name: CheckerName;
  /** One line for the README and `ftbench list`: the property it checks. */
  readonly property: string;
  check(run: CheckedRun): Verdict;
}

const ms = (ns: number) => `${(ns / 1e6).toFixed(3)} ms`;

export const CHECKERS: readonly Checker[] = [
  {
    name: 'linearizable',
    property: 'the client history is linearizable against the workload\'s model (timed-out operations may or may not have taken effect)',
    check: ({ model, operations, init, budgetSteps }) => {
      const verdict = checkHistory(findModel(model), { operations, init }, { budgetSteps });
      const size = `${verdict.operationCount} operations in ${verdict.partitionCount} partition(s), ${verdict.appendOrderPartitions} decided by append order, ${verdict.searchSteps} search steps`;
      if (verdict.state === 'linearizable') return { state: 'pass', evidence: size };
      if (verdict.state === 'unknown') return { state: 'unknown', evidence: `${verdict.reason} (${size})` };
      return { state: 'fail', evidence: verdict.explanation.text };
    },
  },
  {
    name: 'splitBrain',
    property: 'no two hosts acted as primary at once: no client reply or disk write from a host not owning the service, no go-live while another host held the primary\'s authority',
    check: ({ world }) => {
      const { splitBrain } = world;
      if (splitBrain.firstDeposed !== undefined) {
        const first = splitBrain.firstDeposed;
        return { state: 'fail', evidence: `${splitBrain.deposedOutputs} output(s) from a host not owning the service; first: a ${first.kind} from ${first.host} at ${ms(first.timeNs)} while ${first.owner ?? 'nobody'} owned it` };
      }
      if (splitBrain.firstOverlap !== undefined) {
        const first = splitBrain.firstOverlap;
        return { state: 'fail', evidence: `${splitBrain.overlappingPrimaries} go-live(s) while another host held the primary's authority; first: ${first.host} at ${ms(first.timeNs)} while ${first.other} held it` };
      }
      return { state: 'pass', evidence: `${world.network.contestedClaims} contested claim(s) of the service address, none answered by a deposed host` };
    },
  },
  {
    name: 'exactlyOnce',
    property: 'no operation was answered two different ways by the service (a retry is answered from the duplicate table, not executed again)',
    check: ({ world }) => {
      const { exactlyOnce } = world;
      const conflict = exactlyOnce.firstConflict;
      if (conflict === undefined) return { state: 'pass', evidence: `${exactlyOnce.repliesSeen} replies compared` };
      return { state: 'fail', evidence: `${exactlyOnce.conflicts} request(s) answered two ways; first: client ${conflict.client} sequence ${conflict.sequence}, status ${conflict.first.status} from ${conflict.first.host} then status ${conflict.second.status} from ${conflict.second.host}` };
    },
  },
  {
    name: 'divergence',
    property: 'replicas that declared the same sync point held the same application state there, and no replica stopped reproducing the execution it replays',
    check: ({ world }) => {
      const { divergence } = world;
      const first = divergence.firstDivergence;
      if (first !== undefined) return { state: 'fail', evidence: `sync point ${first.point}: ${first.digests.map((entry) => `${entry.host} ${entry.digest}`).join(' vs ')}` };
      const replay = divergence.firstReplayDivergence;
      if (replay !== undefined) return { state: 'fail', evidence: `${replay.host} stopped reproducing the execution it replays at instruction ${replay.retired} (${ms(replay.timeNs)}): ${replay.message}` };
      if (divergence.compared === 0) return { state: 'not-applicable', evidence: 'no sync point was declared by two replicas' };
      return { state: 'pass', evidence: `${divergence.compared} sync point(s) compared${divergence.dropped > 0 ? `, ${divergence.dropped} dropped past the bound` : ''}` };
    },
  },
  {
    name: 'outputRule',
    property: 'no client reply or disk write left the primary before the backup held everything that produced it',
    check: ({ world }) => {
      const { outputRule } = world;
      if (outputRule.verdict() === null) return { state: 'not-applicable', evidence: 'the strategy does not promise the output rule' };
      const first = outputRule.firstEarly;
      if (first !== undefined) return { state: 'fail', evidence: `${outputRule.early} output(s) left early; first: a ${first.kind} from ${first.host} at ${ms(first.timeNs)} produced at instruction ${first.retired}, when the backup held up to ${first.heldPoint}` };
      return { state: 'pass', evidence: `${outputRule.audited} output(s) audited` };
    },
  },
  {
    name: 'liveness',
    property: 'after the last heal of a scenario that heals, a client got a reply within liveness-bound-ms',
    check: ({ recovery }) => livenessVerdict(recovery),
  },
  {
    name: 'availability',
    property: 'after every fault the strategy promises to survive (one crash per pairing; partitions, loss, delay once healed), a client got a reply within liveness-bound-ms',
    check: ({ recovery }) => availabilityVerdict(recovery),
  },
];

/** Runs every checker over the run. */
export function judge(run: CheckedRun): Verdicts {
  return Object.fromEntries(CHECKERS.map((checker) => [checker.name, checker.check(run)])) as unknown as Verdicts;
}
