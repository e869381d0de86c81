/**
 * The plugin API, as a strategy outside the repository imports it: `import type { Strategy } from
 * 'ftbench/strategy'` (package.json `exports`; `ftbench --plugin PATH` resolves the package's own
 * name for plugins that did not install it). The types of the plugin contract, the host, machine
 * and policy types a role is written against (`VmHost`, `Machine`, `MachineSnapshot`, `HostPolicy`,
 * and `DelegatingPolicy` to extend the live policy), the parameter helpers, and the shared
 * building blocks every built-in strategy uses.
 */
export type * from './types.ts';
export type * from '../harness/host/types.ts';
export type { VmHost } from '../harness/host/vm-host.ts';
export { DelegatingPolicy } from '../harness/host/delegating-policy.ts';
export type { Machine } from '../harness/vm/machine.ts';
export type { DiskCompletion, DiskRequest, HartSlice, MachineSnapshot, Platform } from '../harness/vm/types.ts';
export type { ParameterSpec, ParameterValues } from '../harness/params.ts';
export { booleanParameter, integerParameter, stringParameter } from '../harness/params.ts';
export { ConfigError } from '../harness/errors.ts';
export { ByteReader, ByteWriter } from '../harness/net/codec.ts';
export * from './shared/figures.ts';
export * from './shared/go-live.ts';
export * from './shared/output-hold.ts';
export * from './shared/pairing.ts';
export * from './shared/policies.ts';
export * from './shared/reprotect.ts';
export * from './shared/role-host.ts';
export * from './shared/snapshot-codec.ts';
export * from './shared/stats.ts';
export type * from './core/types.ts';
export * from './core/lifecycle.ts';
export * from './core/driver.ts';
export * from './core/role-switching.ts';
export * from './core/sync-network.ts';
