/**
 * What a workload is: a guest service (a C program for the ftbench machine), the client side that
 * drives it (operations, their wire encoding, the offered load), and the sequential model the
 * checker holds its history against. A workload is a plain value (Maelstrom-style); the registry in
 * `registry.ts` lists them.
 */
import type { ParameterSpec, ParameterValues } from '../harness/params.ts';
import type { ClientCodec, LoadModel, OperationGenerator, StreamWindow } from './client/types.ts';

/** The machine a workload's guest runs on, for one set of parameter values. */
export interface GuestSpec {
  /** Repository-relative path of the guest's ELF image (variant `machine`). */
  readonly image: string;
  /** Harts of the machine; more than one makes the guest a multiprocessor. */
  readonly harts: number;
  /** RAM size in bytes; must equal the image's `ramSizeBytes` in its guest.json (it places the stacks). */
  readonly ramBytes: number;
  /** Size of the block disk in sectors; 0 for a guest without a disk. */
  readonly diskSectors: number;
  /**
   * Boot arguments, written into the guest's `ftb_boot_args` before it starts as `key=value` pairs
   * separated by newlines (see `boot-args.ts`); the guest reads them with `ftb_boot_arg_*`.
   */
  readonly bootArguments: Readonly<Record<string, string | number>>;
}

/** A workload: guest, clients and correctness model. */
export interface Workload<Input = unknown, Output = unknown> {
  /** Name on the command line: `counter`, `kv`, `file-append`, ... */
  readonly name: string;
  /** One line for `ftbench list`. */
  readonly description: string;
  /** The workload's own parameters (mix, key distribution, sizes, modes); the runner adds the client ones. */
  readonly parameters: readonly ParameterSpec[];
  /**
   * Name of the checker model (`harness/check`) the history is checked against: `counter`, `kv`,
   * `file`, ... Inputs and outputs of the operations are in that model's shapes.
   */
  readonly model: string;
  /** The model's initial state for the checker (the history file's `init`); undefined for the model default. */
  modelInit(parameters: ParameterValues): unknown;
  /**
   * Guest symbols whose memory holds the application state (the service's data and its duplicate
   * table): what the divergence checker compares between replicas, and what an application-level
   * strategy must keep equal.
   */
  readonly stateSymbols: readonly string[];
  /** The machine and boot arguments for these parameter values. */
  guest(parameters: ParameterValues): GuestSpec;
  /** The load offered when the user does not choose one. */
  defaultLoad(parameters: ParameterValues): LoadModel;
  /** How operations travel as requests and replies. */
  readonly codec: ClientCodec<Input, Output>;
  /** The operation generator for these parameter values. */
  generator(parameters: ParameterValues): OperationGenerator<Input>;
  /**
   * For a workload whose clients are TCP-like streams with these parameter values (net-bulk's
   * `transport=stream`): their window. Undefined, or absent: each client has one operation in
   * flight (`ClientDriver`).
   */
  stream?(parameters: ParameterValues): StreamWindow<Input> | undefined;
}
