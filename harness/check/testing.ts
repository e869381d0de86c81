/**
 * Histories with a known answer, for tests and benchmarks: a concurrent run of a simple reference
 * implementation of each service, in which every operation takes effect at one point between its
 * call and its return. Such a history is linearizable by construction; the linearization is the
 * order of those points. Randomness comes in as an argument (a seeded stream), never from a global.
 */
import type { Scalar } from './hash.ts';
import type { CounterInput, CounterOutput } from './models/counter.ts';
import type { FileInput, FileOutput } from './models/file.ts';
import type { KvInput, KvOutput } from './models/kv.ts';
import type { RegisterInput, RegisterOutput } from './models/register.ts';
import type { History, Operation } from './types.ts';

/** The draws a generator needs; `RandomStream` from harness/sim provides them. */
export interface RandomInts {
  /** A uniform integer in [from, to], both included. */
  int(from: number, to: number): number;
}

/** A reference implementation of a service: draws inputs and executes them one at a time. */
export interface ReferenceService<Input, Output> {
  /** A random input. */
  nextInput(random: RandomInts): Input;
  /** Executes `input` on the service's state and returns what it answers. */
  execute(input: Input): Output;
}

/** How to time the generated operations. */
export interface GeneratorOptions {
  /** Number of operations. */
  readonly operationCount: number;
  /** Number of clients, each issuing its operations one after another. */
  readonly clientCount: number;
  /** Whether operations of different clients overlap in time; if not, the history is sequential. */
  readonly overlapping: boolean;
  /** Percentage of operations whose outcome is made unknown (return and output null). */
  readonly unknownPercent: number;
}

interface Slot {
  readonly client: number;
  readonly callNs: number;
  readonly effectNs: number;
  readonly returnNs: number;
}

/** Timings: every client's operations are back to back; each takes effect inside its interval. */
function drawSlots(options: GeneratorOptions, random: RandomInts): Slot[] {
  const slots: Slot[] = [];
  if (!options.overlapping) {
    for (let index = 0; index < options.operationCount; index++) {
      const callNs = index * 100 + random.int(0, 10);
      slots.push({ client: random.int(0, options.clientCount - 1), callNs, effectNs: callNs + random.int(11, 40), returnNs: callNs + random.int(41, 80) });
    }
    return slots;
  }
  const clock = new Array<number>(options.clientCount).fill(0);
  for (let index = 0; index < options.operationCount; index++) {
    const client = random.int(0, options.clientCount - 1);
    const callNs = clock[client]! + random.int(1, 50);
    const returnNs = callNs + random.int(1, 200);
    slots.push({ client, callNs, effectNs: random.int(callNs, returnNs), returnNs });
    clock[client] = returnNs;
  }
  return slots;
}

/**
 * Runs `service` under concurrent clients: operations take effect in the order of their effect
 * points (ties broken by index), and a chosen few are then given unknown outcomes; half of those
 * never take effect at all, as a request lost before it reached the service.
 */
export function generateHistory<Input, Output>(service: ReferenceService<Input, Output>, options: GeneratorOptions, random: RandomInts): History<Input, Output, never> {
  const slots = drawSlots(options, random);
  const inputs = slots.map(() => service.nextInput(random));
  const unknown = slots.map(() => random.int(0, 99) < options.unknownPercent);
  const lost = unknown.map((isUnknown) => isUnknown && random.int(0, 1) === 0);
  const order = slots.map((_, index) => index).sort((first, second) => slots[first]!.effectNs - slots[second]!.effectNs || first - second);
  const outputs = new Array<Output | null>(slots.length).fill(null);
  for (const index of order) {
    if (lost[index]) continue;
    const output = service.execute(inputs[index]!);
    if (!unknown[index]) outputs[index] = output;
  }
  const operations = slots.map(
    (slot, index): Operation<Input, Output> => ({
      client: slot.client,
      callNs: slot.callNs,
      returnNs: unknown[index] ? null : slot.returnNs,
      input: inputs[index]!,
      output: outputs[index]!,
    }),
  );
  return { operations };
}

export function referenceCounter(): ReferenceService<CounterInput, CounterOutput> {
  let value = 0;
  return {
    nextInput: (random) => ({ op: random.int(0, 1) === 0 ? 'inc' : 'get' }),
    execute: (input) => ({ value: input.op === 'inc' ? ++value : value }),
  };
}

/** A register (with compare-and-set when `withCas`) over the values 0..3 and null. */
export function referenceRegister(withCas: boolean): ReferenceService<RegisterInput, RegisterOutput> {
  let value: Scalar = null;
  const draw = (random: RandomInts): Scalar => (random.int(0, 4) === 4 ? null : random.int(0, 3));
  return {
    nextInput(random) {
      const choice = random.int(0, withCas ? 2 : 1);
      if (choice === 0) return { op: 'read' };
      if (choice === 1) return { op: 'write', value: draw(random) };
      return { op: 'cas', expected: draw(random), new: draw(random) };
    },
    execute(input): RegisterOutput {
      if (input.op === 'read') return { value };
      if (input.op === 'write') {
        value = input.value;
        return {};
      }
      const ok = value === input.expected;
      if (ok) value = input.new;
      return { ok };
    },
  };
}

/** A kv store over `keyCount` keys: 50% get, 25% put, 25% append of short values. */
export function referenceKv(keyCount: number): ReferenceService<KvInput, KvOutput> {
  const values = new Map<string, string>();
  const versions = new Map<string, number>();
  let written = 0;
  return {
    nextInput(random) {
      const key = `k${random.int(0, keyCount - 1)}`;
      const choice = random.int(0, 3);
      if (choice < 2) return { op: 'get', key };
      return { op: choice === 2 ? 'put' : 'append', key, value: `v${written++}.` };
    },
    execute(input): KvOutput {
      const current = values.get(input.key) ?? '';
      if (input.op === 'get') return { value: current };
      values.set(input.key, input.op === 'put' ? input.value : current + input.value);
      const version = (versions.get(input.key) ?? 0) + 1;
      versions.set(input.key, version);
      return { version };
    },
  };
}

/** An append-only file: 60% appends of distinct records, 40% reads. */
export function referenceFile(): ReferenceService<FileInput, FileOutput> {
  const records: string[] = [];
  let written = 0;
  return {
    nextInput: (random) => (random.int(0, 4) < 3 ? { op: 'append', record: `r${written++}` } : { op: 'read' }),
    execute(input) {
      if (input.op === 'read') return { records: [...records] };
      records.push(input.record);
      return { index: records.length - 1 };
    },
  };
}

/** Which kv writes answer their version: all, none, or every other one (a history the append-order check declines). */
export type VersionAnswers = 'all' | 'none' | 'mixed';

/**
 * A kv store over `keyCount` keys written only by appends: 30% get, 70% append of distinct values
 * `v<n>.` (prefix-free: the dot ends each one), answering versions as `versions` says.
 */
export function referenceKvAppends(keyCount: number, versions: VersionAnswers): ReferenceService<KvInput, KvOutput> {
  const values = new Map<string, string>();
  const counts = new Map<string, number>();
  let written = 0;
  return {
    nextInput(random) {
      const key = `k${random.int(0, keyCount - 1)}`;
      return random.int(0, 9) < 3 ? { op: 'get', key } : { op: 'append', key, value: `v${written++}.` };
    },
    execute(input): KvOutput {
      const current = values.get(input.key) ?? '';
      if (input.op === 'get') return { value: current };
      values.set(input.key, current + input.value);
      const version = (counts.get(input.key) ?? 0) + 1;
      counts.set(input.key, version);
      const answered = versions === 'all' || (versions === 'mixed' && version % 2 === 0);
      return answered ? { version } : {};
    },
  };
}
