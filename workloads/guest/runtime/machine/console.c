/* The console device of a machine guest: one TX register write per byte, each an output. */
#include <ftbench/console.h>

#include <ftbench/machine.h>

void ftb_console_write(const char *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) ftb_mmio_write32(FTB_CONSOLE_BASE, FTB_CONSOLE_TX, (uint8_t)bytes[i]);
}
