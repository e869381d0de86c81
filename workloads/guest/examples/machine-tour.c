/*
 * A tour of the machine runtime, and its smoke test on the ftbench VM: console output, the
 * formatted print into a buffer, one-shot and periodic timers, a software interrupt sent to
 * itself, the secondary harts started and counted under a spinlock, then a halt. It uses no NIC or disk, so
 * it runs on any machine configuration; with one hart it simply reports one.
 *
 * Expected console output on a one-hart machine ends with "tour done: harts=1".
 */
#include <stdint.h>

#include <ftbench/console.h>
#include <ftbench/entropy.h>
#include <ftbench/format.h>
#include <ftbench/hart.h>
#include <ftbench/interrupts.h>
#include <ftbench/spinlock.h>
#include <ftbench/timer.h>

static volatile uint32_t timer_interrupts;
static volatile uint32_t software_interrupts;
static struct ftb_spinlock lock = FTB_SPINLOCK_INIT;
static volatile uint32_t harts_running = 1;

static void on_timer(uint32_t hart) {
  timer_interrupts++;
  (void)hart;
}

static volatile uint32_t periodic_ticks;

static void on_periodic(uint32_t hart) {
  if (++periodic_ticks == 3) ftb_timer_cancel();
  (void)hart;
}

static void on_software(uint32_t hart) {
  software_interrupts++;
  ftb_ipi_clear(hart);
}

void ftb_secondary_main(uint32_t hart) {
  ftb_spinlock_acquire(&lock);
  harts_running++;
  ftb_printf("hart %u running\n", hart);
  ftb_spinlock_release(&lock);
}

/* Bounded wait for a counter to move: the tour must end even on a machine that loses interrupts. */
static int wait_for(volatile uint32_t *counter, uint32_t at_least) {
  for (uint32_t round = 0; round < 1000; round++) {
    if (*counter >= at_least) return 1;
    ftb_wait_for_interrupt();
  }
  return 0;
}

int main(void) {
  ftb_puts("ftbench machine tour");
  char line[64];
  int length = ftb_snprintf(line, sizeof line, "snprintf: %d %u %x %s %c %%", -42, 42u, 0xbeefu, "text", '!');
  ftb_printf("%s (%d characters)\n", line, length);
  ftb_printf("entropy: %08x, time: %llu ticks\n", ftb_entropy_read(), (unsigned long long)ftb_time_now());

  ftb_interrupt_set_software_handler(on_software);
  ftb_csr_set(mie, FTB_MIE_MSIE);
  ftb_interrupts_enable();

  ftb_timer_one_shot(FTB_TICKS_PER_MILLISECOND, on_timer);
  ftb_printf("timer interrupt: %s\n", wait_for(&timer_interrupts, 1) ? "taken" : "MISSING");

  ftb_timer_periodic(FTB_TICKS_PER_MILLISECOND, on_periodic);
  ftb_printf("periodic timer: %s\n", wait_for(&periodic_ticks, 3) ? "3 ticks" : "MISSING");

  ftb_ipi_send(ftb_hart_id());
  ftb_printf("software interrupt: %s\n", wait_for(&software_interrupts, 1) ? "taken" : "MISSING");

  ftb_harts_release();
  /* Give released harts a moment to announce themselves before counting them. */
  ftb_timer_sleep(FTB_TICKS_PER_MILLISECOND);
  ftb_spinlock_acquire(&lock);
  ftb_printf("tour done: harts=%u\n", harts_running);
  ftb_spinlock_release(&lock);
  return 0;
}
