/**
 * The periodic timer tick a workload's guest may run (workloads/guest/include/ftbench/tick.h): the
 * `tick-hz` parameter, passed to the guest as the boot argument of the same name.
 *
 * Default 0 (tickless): the suite's service guests existed tickless before the tick did, and their
 * measurements (logging bandwidth, output delay) are of the service's own work; a tick adds the
 * same timer entries to every one, which is what the `idle` workload isolates. Linux's own
 * defaults are HZ = 100, 250 or 1000 (kernel/Kconfig.hz, default 250) and, since 2.6.21, a
 * tickless idle (CONFIG_NO_HZ_IDLE), so 0 is also the nearest to a modern idle kernel.
 */
import { integerParameter, type ParameterSpec, type ParameterValues } from '../harness/params.ts';

/** Highest tick rate: one tick per 10 µs of mtime (a rate no kernel uses; it bounds the cost). */
export const MAX_TICK_HZ = 100_000;

/** The `tick-hz` parameter with `defaultHz` as its default. */
export function tickParameter(defaultHz: number): ParameterSpec {
  return {
    name: 'tick-hz',
    description: 'periodic timer tick of the guest, as an OS\'s HZ (Linux offers 100, 250, 1000); each tick reads the clock; 0: tickless',
    kind: 'integer',
    default: defaultHz,
    min: 0,
    max: MAX_TICK_HZ,
  };
}

/** The boot arguments that start the tick: none when tickless, so a tickless guest boots as before. */
export function tickBootArguments(parameters: ParameterValues): Record<string, number> {
  const hz = integerParameter(parameters, 'tick-hz');
  return hz > 0 ? { 'tick-hz': hz } : {};
}
