/*
 * Harts: identity, start-up of the secondary harts, inter-hart interrupts, and halting.
 *
 * At reset every hart runs the start-up code. Hart 0 zeroes .bss and calls main(); every other
 * hart parks (waiting in wfi for a machine software interrupt) until hart 0 calls
 * ftb_harts_release(), then calls ftb_secondary_main(hart). Each hart has its own stack of
 * FTB_HART_STACK_SIZE bytes at the top of RAM: hart h's stack ends at RAM end - h * size.
 */
#ifndef FTBENCH_HART_H
#define FTBENCH_HART_H

/* Harts beyond this bound halt at once: their stacks would not fit the reserved area. */
#define FTB_MAX_HARTS 8
#define FTB_HART_STACK_SIZE 0x10000

#ifndef __ASSEMBLER__

#include <stdint.h>

#include "csr.h"

static inline uint32_t ftb_hart_id(void) { return ftb_csr_read(mhartid); }

/*
 * Lets the parked secondary harts go on into ftb_secondary_main(). Call it from hart 0 once the
 * shared data they need is ready; harts that reach their parking place later go straight on.
 */
void ftb_harts_release(void);

/*
 * What a secondary hart runs once released. The runtime's weak default halts the hart; a
 * multi-hart guest defines its own.
 */
void ftb_secondary_main(uint32_t hart);

/* Raises hart's machine software interrupt (MSIP), the inter-processor interrupt. */
void ftb_ipi_send(uint32_t hart);

/* Lowers the calling hart's MSIP; a software interrupt handler must do this. */
void ftb_ipi_clear(uint32_t hart);

/*
 * Stops the calling hart for good: interrupts off (mstatus.MIE and every bit of mie cleared),
 * then wfi in a loop. No interrupt can wake a hart in that state, so the VM may treat "wfi with
 * mie = 0" as halted. The machine has no power-off device; this is the clean way to stop.
 */
__attribute__((noreturn)) void ftb_halt(void);

/*
 * Stops the whole machine with an exit code (the console's POWER_OFF register): the host sees the
 * guest end. Hart 0's main returning does this with main's return value; an exception or an
 * unhandled interrupt does it with 128 + mcause or 127, after printing a report.
 */
__attribute__((noreturn)) void ftb_power_off(int code);

#endif /* __ASSEMBLER__ */

#endif /* FTBENCH_HART_H */
