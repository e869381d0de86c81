/*
 * The periodic timer tick (tick.h).
 */
#include <ftbench/tick.h>

#include <ftbench/csr.h>
#include <ftbench/hart.h>
#include <ftbench/interrupts.h>
#include <ftbench/machine.h>
#include <ftbench/timer.h>

struct ftb_tick_state ftb_tick;

/* The tick handler: read the clock (the kernel's clocksource read), count the periods that
 * elapsed since the deadline that fell due (one when on time), and arm the next deadline. */
static void on_tick(uint32_t hart) {
  struct ftb_tick_state *tick = &ftb_tick;
  uint64_t now = ftb_time_now();
  uint64_t elapsed = 1;
  if (now > tick->next_deadline) elapsed += (now - tick->next_deadline) / tick->period;
  tick->jiffies += elapsed;
  tick->wall_time = now;
  tick->interrupts++;
  tick->next_deadline += elapsed * tick->period;
  ftb_timer_set_compare(hart, tick->next_deadline);
}

void ftb_tick_start(uint32_t hz) {
  if (hz == 0 || hz > FTB_TIMEBASE_HZ) return;
  struct ftb_tick_state *tick = &ftb_tick;
  tick->period = FTB_TIMEBASE_HZ / hz;
  tick->wall_time = ftb_time_now();
  tick->next_deadline = tick->wall_time + tick->period;
  ftb_interrupt_set_timer_handler(on_tick);
  ftb_timer_set_compare(ftb_hart_id(), tick->next_deadline);
  ftb_csr_set(mie, FTB_MIE_MTIE);
}
