/*
 * The machine timer driver: mtime, each hart's mtimecmp, one-shot and periodic deadlines.
 */
#include <ftbench/timer.h>

#include <ftbench/hart.h>
#include <ftbench/machine.h>

/* Per-hart state of the one-shot or periodic timer. */
struct deadline_timer {
  /* Whether a deadline is set: mtimecmp holds it, or holds UINT64_MAX. */
  int armed;
  /* 0 for a one-shot timer. */
  uint64_t period;
  uint64_t deadline;
  ftb_interrupt_handler handler;
};

static struct deadline_timer timers[FTB_MAX_HARTS];

uint64_t ftb_time_now(void) {
  /* Read high, low, high again: if the high word moved, the low word wrapped in between. */
  for (;;) {
    uint32_t high = ftb_mmio_read32(FTB_CLINT_BASE, FTB_CLINT_MTIME + 4u);
    uint32_t low = ftb_mmio_read32(FTB_CLINT_BASE, FTB_CLINT_MTIME);
    if (ftb_mmio_read32(FTB_CLINT_BASE, FTB_CLINT_MTIME + 4u) == high) return ((uint64_t)high << 32) | low;
  }
}

void ftb_timer_set_compare(uint32_t hart, uint64_t deadline) {
  uint32_t compare = FTB_CLINT_MTIMECMP + 8u * hart;
  /* High word to all ones first, so that no moment sees a compare value earlier than both the old
   * and the new one (which would raise a spurious interrupt). */
  ftb_mmio_write32(FTB_CLINT_BASE, compare + 4u, 0xffffffffu);
  ftb_mmio_write32(FTB_CLINT_BASE, compare, (uint32_t)deadline);
  ftb_mmio_write32(FTB_CLINT_BASE, compare + 4u, (uint32_t)(deadline >> 32));
}

/* The runtime's timer handler: re-arm (periodic) or disarm (one-shot) first, so that the
 * program's handler may set a new timer, then call it. */
static void on_timer(uint32_t hart) {
  struct deadline_timer *timer = &timers[hart];
  ftb_interrupt_handler handler = timer->handler;
  if (timer->period) {
    timer->deadline += timer->period;
  } else {
    timer->armed = 0;
  }
  ftb_timer_set_compare(hart, timer->armed ? timer->deadline : UINT64_MAX);
  if (handler) handler(hart);
}

static void arm(uint64_t delay, uint64_t period, ftb_interrupt_handler handler) {
  uint32_t hart = ftb_hart_id();
  struct deadline_timer *timer = &timers[hart];
  timer->armed = 1;
  timer->period = period;
  timer->handler = handler;
  timer->deadline = ftb_time_now() + delay;
  ftb_interrupt_set_timer_handler(on_timer);
  ftb_timer_set_compare(hart, timer->deadline);
  ftb_csr_set(mie, FTB_MIE_MTIE);
}

void ftb_timer_one_shot(uint64_t delay, ftb_interrupt_handler handler) { arm(delay, 0, handler); }

void ftb_timer_periodic(uint64_t period, ftb_interrupt_handler handler) { arm(period, period, handler); }

void ftb_timer_cancel(void) {
  uint32_t hart = ftb_hart_id();
  ftb_csr_clear(mie, FTB_MIE_MTIE);
  timers[hart].armed = 0;
  ftb_timer_set_compare(hart, UINT64_MAX);
}

void ftb_timer_sleep(uint64_t delay) {
  uint32_t hart = ftb_hart_id();
  uint64_t deadline = ftb_time_now() + delay;
  /* Interrupts stay off while waiting, so the wake-up is not taken as a trap and the program's
   * own timer handler, if any, does not see it. */
  uint32_t interrupts = ftb_interrupts_disable();
  uint32_t enabled = ftb_csr_set(mie, FTB_MIE_MTIE);
  ftb_timer_set_compare(hart, deadline);
  while (ftb_time_now() < deadline) ftb_wait_for_interrupt();
  struct deadline_timer *timer = &timers[hart];
  ftb_timer_set_compare(hart, timer->armed ? timer->deadline : UINT64_MAX);
  if (!(enabled & FTB_MIE_MTIE)) ftb_csr_clear(mie, FTB_MIE_MTIE);
  ftb_interrupts_restore(interrupts);
}
