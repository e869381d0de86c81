/**
 * Public types of the linearizability checker: recorded histories, the models they are checked
 * against, options and verdicts. A history is linearizable when every operation can be given a
 * single point in time between its call and its return such that the operations, applied one at a
 * time in the order of those points, give the outputs that the clients saw (Herlihy & Wing).
 */

/** A JSON value, for the structured (machine-readable) parts of an explanation. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One client operation as the harness records it. */
export interface Operation<Input, Output> {
  /** Client that issued the operation (used in explanations only: a client may be concurrent with itself). */
  readonly client: number;
  /** Virtual time at which the client sent the request. */
  readonly callNs: number;
  /**
   * Virtual time at which the client received the reply, or null when the outcome is unknown (the
   * request timed out for good): the operation may then take effect at any point after its call,
   * or never.
   */
  readonly returnNs: number | null;
  /** What the client asked for, in the model's input shape. */
  readonly input: Input;
  /** What the client was told, in the model's output shape; null exactly when `returnNs` is null. */
  readonly output: Output | null;
}

/** A recorded history: the operations of all clients, in any order, and the state they started from. */
export interface History<Input, Output, Init> {
  /** All operations, in any order; explanations name them by their index in this array. */
  readonly operations: readonly Operation<Input, Output>[];
  /** The service's state before the first operation; undefined means the model's default. */
  readonly init?: Init | undefined;
}

/**
 * A sequential specification of a service. The checker never looks inside states: it only steps,
 * hashes and compares them, so a model may use whatever representation is cheapest to step.
 */
export interface Model<State, Input, Output, Init> {
  /** Name used on the command line (`--model counter`). */
  readonly name: string;
  /** One line for `ftbench check --help`: the operations and their input and output shapes. */
  readonly summary: string;
  /** Parses one operation input of a history file; throws ConfigError naming `path` if malformed. */
  parseInput(value: unknown, path: string): Input;
  /** Parses one (non-null) operation output of a history file for `input`; throws ConfigError naming `path`. */
  parseOutput(value: unknown, input: Input, path: string): Output;
  /** Parses the history file's top-level `init`; throws ConfigError naming `path`. */
  parseInit(value: unknown, path: string): Init;
  /**
   * Key of the partition an input belongs to. Operations on different keys never constrain each
   * other (P-compositionality), so each partition is checked on its own; a model that cannot be
   * split returns the same key for every input.
   */
  partitionKey(input: Input): string;
  /** The state a partition starts from, given the history's `init` (undefined for the default). */
  initialState(init: Init | undefined, partitionKey: string): State;
  /**
   * Applies `input` to `state` and returns the next state, or undefined when the service could not
   * have answered `output` in `state`. A null `output` (unknown outcome) must be accepted: the
   * step then only applies the effect. Returning undefined rather than a result object keeps the
   * search loop free of allocation; states themselves are therefore never undefined.
   */
  step(state: State, input: Input, output: Output | null): State | undefined;
  /** A 32-bit hash of a state, equal for equal states; the search memoises on it, so it must be cheap. */
  hashState(state: State): number;
  /** Whether two states are the same state of the service. */
  equalStates(first: State, second: State): boolean;
  /** Short readable form of an operation, e.g. `inc → 3`, `get(x) → "ab"`, `append(x, "c") → ?`. */
  describeOperation(input: Input, output: Output | null): string;
  /** Short readable form of a state, e.g. `3`, `"ab"`, `2 records: ["a", "b"]`. */
  describeState(state: State): string;
  /** The state as plain JSON, for `--json` explanations. */
  stateValue(state: State): JsonValue;
  /**
   * For a model whose partitions can be append histories (a value that only grows by appends,
   * read whole): how to see its operations that way, so that the checker can decide such a
   * partition by the append-order check (`append-order.ts`) instead of searching. Optional: a
   * model without it is always searched.
   */
  readonly appendView?: AppendView<State, Input, Output>;
}

/**
 * A model's operations seen as an append history: appends of strings and reads of the whole
 * value, which is the initial text followed by every applied append in order.
 */
export interface AppendView<State, Input, Output> {
  /** The initial state's text and write count (the version a first append answers is one more). */
  initial(state: State): { readonly text: string; readonly version: number };
  /**
   * What an operation is: an append of `value` (with the version its answer gives, if any), a
   * completed read that saw `text`, a read whose outcome is unknown (it constrains nothing), or
   * `other` (e.g. a put): a partition holding any `other` operation is searched.
   */
  classify(input: Input, output: Output | null): AppendStep;
}

/** One operation of an append history (see `AppendView.classify`). */
export type AppendStep =
  | {
      readonly kind: 'append';
      /** The appended string. */
      readonly value: string;
      /** The key's count of writes after this append, as answered; undefined when not answered (or unknown). */
      readonly version: number | undefined;
    }
  | {
      readonly kind: 'read';
      /** The whole value read; undefined for a read whose outcome is unknown. */
      readonly text: string | undefined;
    }
  | { readonly kind: 'other' };

/**
 * A model of any state, input, output and init types: the registry holds models of different
 * types side by side, and a model's functions only ever receive values that the same model parsed
 * or produced, so erasing the types here loses nothing that the checker relies on.
 */
export type AnyModel = Model<any, any, any, any>;

/** Options of one check. */
export interface CheckOptions {
  /**
   * Search steps allowed for the whole check, over all partitions (one step = one attempt to
   * linearize an operation next, or one backtrack). When it runs out the verdict is `unknown`.
   */
  readonly budgetSteps?: number;
  /**
   * Bound on the memory of the memoisation caches of all partitions together (an estimate). Past
   * it, the search goes on without remembering new configurations: slower, equally correct.
   */
  readonly cacheLimitBytes?: number;
  /**
   * Whether partitions that the append-order check applies to are decided by it (default true);
   * false searches every partition (to compare the two, as the tests and the benchmark do).
   */
  readonly appendOrder?: boolean;
}

/** Figures about the search, reported with every verdict. */
export interface SearchStatistics {
  /** Search steps taken over all partitions. */
  readonly searchSteps: number;
  /** Number of partitions the history was split into (1 for models that cannot be split). */
  readonly partitionCount: number;
  /** Partitions decided by the append-order check rather than by the search. */
  readonly appendOrderPartitions: number;
  /** Operations in the history, completed and unknown. */
  readonly operationCount: number;
}

/** One operation as an explanation shows it. */
export interface ExplainedOperation {
  /** Index of the operation in the history's `operations`. */
  readonly index: number;
  /** Client that issued it. */
  readonly client: number;
  /** Call time. */
  readonly callNs: number;
  /** Return time, or null for an unknown outcome. */
  readonly returnNs: number | null;
  /** The model's readable form of the operation and its output. */
  readonly description: string;
}

/** Why a history is not linearizable: the search's frontier, or the append-order check's evidence. */
export type Explanation = SearchExplanation | AppendOrderExplanation;

/**
 * Why a history is not linearizable, as small as the search can make it: in the partition that
 * failed, the longest prefix that could be linearized, the state it leads to, and the operations
 * that were candidates to come next, none of which could.
 */
export interface SearchExplanation {
  /** Found by the search. */
  readonly kind: 'search';
  /** Key of the failing partition (empty for models that are not partitioned). */
  readonly partition: string;
  /** The longest linearizable prefix found, in linearization order. */
  readonly prefix: readonly ExplainedOperation[];
  /** Readable form of the state after the prefix. */
  readonly state: string;
  /** The state after the prefix as plain JSON. */
  readonly stateValue: JsonValue;
  /**
   * The operations that could have come next (those called before the blocking operation
   * returned), in call order. The model rejects every one of them in that state: had it accepted
   * one, the search would have found a longer prefix.
   */
  readonly frontier: readonly ExplainedOperation[];
  /** The operation whose return closed the frontier: it had to be linearized by then and was not. */
  readonly blocking: ExplainedOperation;
  /** The whole explanation as readable text (several lines). */
  readonly text: string;
}

/** Which rule of the append-order check a partition broke (see `append-order.ts`). */
export type AppendOrderRule =
  /** A read saw a value that no sequence of distinct appends (after the initial text) makes. */
  | 'impossible-read'
  /** Two reads saw values neither of which is a prefix of the other. */
  | 'incompatible-reads'
  /** An append answered a version other than the position the reads (or the other versions) give it. */
  | 'wrong-version'
  /** An operation had to take effect before another that completed before it was called. */
  | 'real-time'
  /** Appends answered versions that need more appends of unknown outcome in between than there were. */
  | 'missing-appends';

/**
 * Why a partition of an append history is not linearizable, from the append-order check: the
 * operations that no linearization can reconcile (two reads, a read and an append, ...), and why.
 */
export interface AppendOrderExplanation {
  /** Found by the append-order check. */
  readonly kind: 'append-order';
  /** Key of the failing partition. */
  readonly partition: string;
  /** The rule broken. */
  readonly rule: AppendOrderRule;
  /** The operations that break it, as the text names them. */
  readonly operations: readonly ExplainedOperation[];
  /** The whole explanation as readable text. */
  readonly text: string;
}

/** The outcome of a check. `state` tells which case it is, so callers handle every case. */
export type Verdict =
  | ({
      /** Every partition has a linearization. */
      readonly state: 'linearizable';
    } & SearchStatistics)
  | ({
      /** Some partition has none: the whole history is not linearizable. */
      readonly state: 'not-linearizable';
      /** Why, for the first partition found to fail. */
      readonly explanation: Explanation;
    } & SearchStatistics)
  | ({
      /** The budget ran out before every partition was decided, and none was found to fail. */
      readonly state: 'unknown';
      /** Why no verdict was reached: the budget and the partitions left unfinished. */
      readonly reason: string;
      /** Keys of the partitions whose search did not finish. */
      readonly unfinishedPartitions: readonly string[];
    } & SearchStatistics);
