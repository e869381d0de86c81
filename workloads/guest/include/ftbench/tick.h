/*
 * A periodic timer tick, as an operating system's HZ: every 1/hz seconds the timer interrupt runs
 * the tick handler, which reads the clock (mtime) and advances the tick count and the wall time,
 * as Linux's tick_periodic() advances jiffies and update_wall_time() reads the clocksource. An
 * idle kernel with a periodic tick is woken hz times a second whether or not there is work; that
 * is the idle guest's whole activity, and what VMware FT logs for it (Scales et al. 2010, §5.1:
 * an idle guest's logging bandwidth is mostly timer interrupts).
 *
 * Lost ticks: a tick that falls due while interrupts are off (a long request runs with them off)
 * is taken late; the handler then counts every period that elapsed, from the clock it just read,
 * and arms the next deadline after now, as a kernel catching up jiffies does — rather than taking
 * the missed periods back to back.
 *
 * The tick owns the hart's timer interrupt: a program that ticks must not also use the one-shot or
 * periodic timers of timer.h on the same hart.
 */
#ifndef FTBENCH_TICK_H
#define FTBENCH_TICK_H

#include <stdint.h>

/* The tick's state, a global in guest memory (part of the machine, not of the application). */
struct ftb_tick_state {
  /* mtime ticks between two timer ticks; 0 while the guest is tickless. */
  uint64_t period;
  /* The mtime at which the next tick falls due. */
  uint64_t next_deadline;
  /* Tick periods elapsed since the tick started (Linux's jiffies). */
  uint64_t jiffies;
  /* The clock as the last tick read it (the kernel's wall time). */
  uint64_t wall_time;
  /* Timer interrupts taken (fewer than jiffies when ticks were taken late). */
  uint32_t interrupts;
};

extern struct ftb_tick_state ftb_tick;

/* Starts the tick on the calling hart at hz ticks per second (1 to FTB_TIMEBASE_HZ); 0 keeps the
 * guest tickless. */
void ftb_tick_start(uint32_t hz);

#endif /* FTBENCH_TICK_H */
