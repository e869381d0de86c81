/*
 * Releasing the parked secondary harts (see crt0.S), inter-hart interrupts, and halting.
 */
#include <ftbench/hart.h>

#include <ftbench/machine.h>

/* In crt0.S's .data, so that parked harts can use them before hart 0 has zeroed .bss. */
extern volatile uint32_t ftb_harts_parked;
extern volatile uint32_t ftb_harts_released;

void ftb_harts_release(void) {
  /* Sequentially consistent, pairing with the parked harts' AMO: a hart that announced itself
   * before this store is woken below; one that announces itself after it sees the flag. */
  __atomic_store_n(&ftb_harts_released, 1u, __ATOMIC_SEQ_CST);
  uint32_t parked = __atomic_load_n(&ftb_harts_parked, __ATOMIC_SEQ_CST);
  /* Only harts that announced themselves get an interrupt: the number of harts is the
   * machine's configuration, and the MSIP word of a hart that does not exist is not ours to write. */
  for (uint32_t hart = 1; hart < FTB_MAX_HARTS; hart++) {
    if (parked & (1u << hart)) ftb_ipi_send(hart);
  }
}

__attribute__((weak)) void ftb_secondary_main(uint32_t hart) { (void)hart; }

void ftb_ipi_send(uint32_t hart) { ftb_mmio_write32(FTB_CLINT_BASE, FTB_CLINT_MSIP + 4u * hart, 1u); }

void ftb_ipi_clear(uint32_t hart) { ftb_mmio_write32(FTB_CLINT_BASE, FTB_CLINT_MSIP + 4u * hart, 0u); }

void ftb_power_off(int code) {
  ftb_mmio_write32(FTB_CONSOLE_BASE, FTB_CONSOLE_POWER_OFF, (uint32_t)code);
  /* Not reached on the ftbench machine; on one without the register, stop this hart at least. */
  ftb_halt();
}

void ftb_halt(void) {
  ftb_csr_clear(mstatus, FTB_MSTATUS_MIE);
  ftb_csr_write(mie, 0);
  for (;;) __asm__ volatile("wfi");
}
