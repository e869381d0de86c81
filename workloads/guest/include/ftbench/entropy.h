/* The entropy source: 32 fresh random bits per read, a non-deterministic input of the machine. */
#ifndef FTBENCH_ENTROPY_H
#define FTBENCH_ENTROPY_H

#include <stdint.h>

#include "machine.h"

static inline uint32_t ftb_entropy_read(void) {
  return ftb_mmio_read32(FTB_ENTROPY_BASE, FTB_ENTROPY_VALUE);
}

#endif /* FTBENCH_ENTROPY_H */
