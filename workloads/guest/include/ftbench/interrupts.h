/*
 * Interrupts: global enable, handlers, and routing of the external lines (NIC, disk) to harts.
 *
 * The trap vector (runtime/machine/trap-vector.S) calls the handler registered for each kind of
 * interrupt: software (MSIP), timer (MTIP) and, for the external interrupt, one handler per EIC
 * line that is both pending and enabled for the hart. The devices' lines are level-triggered, so
 * a handler must acknowledge its device (e.g. ftb_nic_acknowledge()) or the interrupt comes back
 * at once. An interrupt with no handler is reported on the console and halts the hart.
 */
#ifndef FTBENCH_INTERRUPTS_H
#define FTBENCH_INTERRUPTS_H

#include <stdint.h>

#include "csr.h"

typedef void (*ftb_interrupt_handler)(uint32_t hart);

void ftb_interrupt_set_software_handler(ftb_interrupt_handler handler);
void ftb_interrupt_set_timer_handler(ftb_interrupt_handler handler);
/* line is FTB_IRQ_LINE_NIC or FTB_IRQ_LINE_DISK (machine.h). */
void ftb_interrupt_set_external_handler(uint32_t line, ftb_interrupt_handler handler);

/* Routes an EIC line to hart (EIC ENABLE[hart]); called on that hart, it also enables the
 * external interrupt in mie (another hart's mie is not ours to write). */
void ftb_external_enable(uint32_t hart, uint32_t line);
void ftb_external_disable(uint32_t hart, uint32_t line);

/* Turns interrupts on globally (mstatus.MIE). */
static inline void ftb_interrupts_enable(void) { ftb_csr_set(mstatus, FTB_MSTATUS_MIE); }

/* Turns interrupts off globally and returns the previous state for ftb_interrupts_restore(). */
static inline uint32_t ftb_interrupts_disable(void) {
  return ftb_csr_clear(mstatus, FTB_MSTATUS_MIE) & FTB_MSTATUS_MIE;
}

static inline void ftb_interrupts_restore(uint32_t previous) {
  if (previous & FTB_MSTATUS_MIE) ftb_csr_set(mstatus, FTB_MSTATUS_MIE);
}

/*
 * Waits until an interrupt enabled in mie is pending. With mstatus.MIE clear the hart wakes
 * without taking the trap, which is how the drivers block without a race between checking a
 * condition and sleeping.
 */
static inline void ftb_wait_for_interrupt(void) { __asm__ volatile("wfi" ::: "memory"); }

#endif /* FTBENCH_INTERRUPTS_H */
