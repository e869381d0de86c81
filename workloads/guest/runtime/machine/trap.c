/*
 * What the trap vector calls: interrupts go to the registered handlers (interrupts.c); an
 * exception is a bug in the guest, so it is reported on the console and the hart halts. A report
 * rather than a silent stop, because a guest fault must be diagnosable from the console alone.
 */
#include <stdint.h>

#include <ftbench/csr.h>
#include <ftbench/format.h>
#include <ftbench/hart.h>

void ftb_dispatch_interrupt(uint32_t code);

static const char *exception_name(uint32_t cause) {
  static const char *const names[] = {
      "instruction address misaligned", "instruction access fault", "illegal instruction",
      "breakpoint",                     "load address misaligned",  "load access fault",
      "store/AMO address misaligned",   "store/AMO access fault",   "environment call from U-mode",
      "environment call from S-mode",   "reserved",                 "environment call from M-mode",
  };
  return cause < sizeof names / sizeof names[0] ? names[cause] : "unknown";
}

void ftb_trap(uint32_t cause, uint32_t pc, uint32_t value) {
  if (cause & FTB_MCAUSE_INTERRUPT) {
    ftb_dispatch_interrupt(cause & ~FTB_MCAUSE_INTERRUPT);
    return;
  }
  ftb_printf("\nftbench guest: exception on hart %u: mcause=%u (%s) mepc=0x%08x mtval=0x%08x\n",
             ftb_hart_id(), cause, exception_name(cause), pc, value);
  ftb_power_off(128 + (int)cause);
}

/* A machine guest has nowhere to return to; main's return ends the hart, with a word if it failed. */
__attribute__((noreturn)) void ftb_main_returned(int code) {
  if (code != 0) ftb_printf("\nftbench guest: main returned %d\n", code);
  ftb_power_off(code);
}
