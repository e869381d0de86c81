/*
 * The machine timer: mtime (FTB_TIMEBASE_HZ ticks per second) and each hart's mtimecmp.
 *
 * Reading mtime is a non-deterministic input (the platform serves it and a replicating strategy
 * logs it), so a guest that only needs to count its own work should count instructions instead.
 */
#ifndef FTBENCH_TIMER_H
#define FTBENCH_TIMER_H

#include <stdint.h>

#include "interrupts.h"
#include "machine.h"

#define FTB_TICKS_PER_MILLISECOND (FTB_TIMEBASE_HZ / 1000u)
#define FTB_TICKS_PER_MICROSECOND (FTB_TIMEBASE_HZ / 1000000u)

/* The current mtime, read consistently although it takes two 32-bit loads. */
uint64_t ftb_time_now(void);

/* Sets hart's mtimecmp; writing it lowers that hart's pending timer interrupt. */
void ftb_timer_set_compare(uint32_t hart, uint64_t deadline);

/*
 * Calls handler once, from the timer interrupt of the calling hart, delay ticks from now (and
 * enables the timer interrupt in mie). Replaces any one-shot or periodic timer of the hart.
 * Both helpers install the runtime's own timer handler, which calls the one given here.
 */
void ftb_timer_one_shot(uint64_t delay, ftb_interrupt_handler handler);

/*
 * Calls handler every period ticks on the calling hart, from the timer interrupt. Deadlines
 * advance by exactly period from the first one (not from when the handler ran), so the rate does
 * not drift; if the hart falls behind, the missed periods run back to back.
 */
void ftb_timer_periodic(uint64_t period, ftb_interrupt_handler handler);

/* Stops the calling hart's one-shot or periodic timer (safe to call from its handler). */
void ftb_timer_cancel(void);

/* Blocks the calling hart (in wfi) until mtime has advanced by delay ticks. A one-shot or periodic
 * timer that falls due meanwhile fires once interrupts are on again. */
void ftb_timer_sleep(uint64_t delay);

#endif /* FTBENCH_TIMER_H */
