/*
 * The programs' input generator: xorshift32 (Marsaglia 2003), seeded by each program. A fixed
 * generator in the program itself, not the machine's entropy source, so that the output depends
 * on nothing but the code: qemu, the VM and a native build must all print the same.
 */
#ifndef PROGRAMS_PRNG_H
#define PROGRAMS_PRNG_H

#include <stdint.h>

struct prng {
  uint32_t state;
};

static inline uint32_t prng_next(struct prng *prng) {
  uint32_t x = prng->state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  prng->state = x;
  return x;
}

static inline uint64_t prng_next64(struct prng *prng) {
  uint64_t high = prng_next(prng);
  return (high << 32) | prng_next(prng);
}

#endif /* PROGRAMS_PRNG_H */
