/*
 * Interrupt handlers and their dispatch. The table is shared by all harts: a handler receives
 * the hart it runs on. Registering a handler is a plain store, done before the interrupt is
 * enabled, so the dispatcher needs no lock.
 */
#include <ftbench/interrupts.h>

#include <ftbench/format.h>
#include <ftbench/hart.h>
#include <ftbench/machine.h>

/* EIC lines are the bits of a 32-bit register. */
#define LINE_COUNT 32u

static ftb_interrupt_handler software_handler;
static ftb_interrupt_handler timer_handler;
static ftb_interrupt_handler external_handlers[LINE_COUNT];

void ftb_interrupt_set_software_handler(ftb_interrupt_handler handler) { software_handler = handler; }

void ftb_interrupt_set_timer_handler(ftb_interrupt_handler handler) { timer_handler = handler; }

void ftb_interrupt_set_external_handler(uint32_t line, ftb_interrupt_handler handler) {
  if (line < LINE_COUNT) external_handlers[line] = handler;
}

static uint32_t enable_register(uint32_t hart) { return FTB_EIC_ENABLE + 4u * hart; }

void ftb_external_enable(uint32_t hart, uint32_t line) {
  uint32_t enabled = ftb_mmio_read32(FTB_EIC_BASE, enable_register(hart));
  ftb_mmio_write32(FTB_EIC_BASE, enable_register(hart), enabled | (1u << line));
  if (hart == ftb_hart_id()) ftb_csr_set(mie, FTB_MIE_MEIE);
}

void ftb_external_disable(uint32_t hart, uint32_t line) {
  uint32_t enabled = ftb_mmio_read32(FTB_EIC_BASE, enable_register(hart));
  ftb_mmio_write32(FTB_EIC_BASE, enable_register(hart), enabled & ~(1u << line));
}

/* An interrupt nobody handles would be taken again at once, forever: stop with a report instead. */
__attribute__((noreturn)) static void unhandled(const char *kind, uint32_t hart, uint32_t line) {
  ftb_printf("\nftbench guest: unhandled %s interrupt on hart %u (line %u)\n", kind, hart, line);
  ftb_power_off(127);
}

static void dispatch_external(uint32_t hart) {
  uint32_t lines = ftb_mmio_read32(FTB_EIC_BASE, FTB_EIC_PENDING) &
                   ftb_mmio_read32(FTB_EIC_BASE, enable_register(hart));
  for (uint32_t line = 0; line < LINE_COUNT; line++) {
    if (!(lines & (1u << line))) continue;
    if (!external_handlers[line]) unhandled("external", hart, line);
    external_handlers[line](hart);
  }
}

void ftb_dispatch_interrupt(uint32_t code) {
  uint32_t hart = ftb_hart_id();
  switch (code) {
    case FTB_INTERRUPT_CODE_SOFTWARE:
      if (!software_handler) unhandled("software", hart, 0);
      software_handler(hart);
      break;
    case FTB_INTERRUPT_CODE_TIMER:
      if (!timer_handler) unhandled("timer", hart, 0);
      timer_handler(hart);
      break;
    case FTB_INTERRUPT_CODE_EXTERNAL: dispatch_external(hart); break;
    default: unhandled("unknown", hart, code);
  }
}
