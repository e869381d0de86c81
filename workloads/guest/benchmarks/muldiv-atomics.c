/*
 * A kernel of the instructions a block compiler tends to leave to its slow path, for measuring
 * guest MIPS (npm run bench:micro): 32-bit division and remainder (signed and unsigned), the
 * high halves of 64-bit products (mulh, mulhu, mulhsu), AMOs, and LR/SC compare-and-swap loops.
 * About 30 million instructions, under the differential test's 50 million bound, so it is also
 * checked against qemu-riscv32 there.
 */
#include <stdint.h>

#include <ftbench/format.h>

#include "../programs/check.h"
#include "../programs/prng.h"

#define DIVISION_ROUNDS 400000
#define PRODUCT_ROUNDS 400000
#define ATOMIC_ROUNDS 300000

static uint32_t division_phase(struct prng *prng) {
  uint32_t sum = 0;
  for (uint32_t round = 0; round < DIVISION_ROUNDS; round++) {
    uint32_t a = prng_next(prng), b = (prng_next(prng) >> (round & 15)) | 1;
    int32_t sa = (int32_t)a, sb = (int32_t)(b ^ (round << 31));
    sum += a / b + a % b + (uint32_t)(sa / sb) + (uint32_t)(sa % sb);
  }
  /* The ISA's edge cases: division by zero and the one signed overflow. */
  volatile int32_t zero = 0, minimum = INT32_MIN, minus_one = -1;
  check("div by zero", (uint32_t)(7 / zero) == 0xFFFFFFFFu);
  check("rem by zero", 7 % zero == 7);
  check("div overflow", minimum / minus_one == INT32_MIN);
  check("rem overflow", minimum % minus_one == 0);
  return sum;
}

static uint32_t product_phase(struct prng *prng) {
  uint32_t high = 0;
  for (uint32_t round = 0; round < PRODUCT_ROUNDS; round++) {
    uint32_t a = prng_next(prng), b = prng_next(prng);
    high += (uint32_t)(((uint64_t)a * b) >> 32);                    /* mulhu */
    high ^= (uint32_t)(((int64_t)(int32_t)a * (int32_t)b) >> 32);   /* mulh */
    high += (uint32_t)(((int64_t)(int32_t)a * (uint64_t)b) >> 32);  /* mulhsu */
  }
  return high;
}

static volatile uint32_t shared_counter, shared_bits, shared_maximum;

/* A compare-and-swap through lr.w/sc.w, retried until it succeeds. */
static uint32_t lr_sc_add(volatile uint32_t *address, uint32_t operand) {
  uint32_t old, failed;
  __asm__ volatile(
      "1: lr.w %0, (%2)\n"
      "   add %1, %0, %3\n"
      "   sc.w %1, %1, (%2)\n"
      "   bnez %1, 1b"
      : "=&r"(old), "=&r"(failed)
      : "r"(address), "r"(operand)
      : "memory");
  return old;
}

static uint32_t atomic_phase(struct prng *prng) {
  uint32_t seen = 0, added = 0, lr_sc_added = 0;
  for (uint32_t round = 0; round < ATOMIC_ROUNDS; round++) {
    uint32_t value = prng_next(prng);
    seen += __atomic_fetch_add(&shared_counter, value, __ATOMIC_SEQ_CST);
    seen ^= __atomic_fetch_or(&shared_bits, value >> (round & 31), __ATOMIC_ACQUIRE);
    seen += __atomic_exchange_n(&shared_bits, round, __ATOMIC_RELEASE);
    seen += lr_sc_add(&shared_maximum, value & 0xFF);
    added += value;
    lr_sc_added += value & 0xFF;
  }
  check("amoadd total", shared_counter == added);
  check("lr/sc total", shared_maximum == lr_sc_added);
  check("amoswap last", shared_bits == ATOMIC_ROUNDS - 1);
  return seen ^ shared_counter ^ shared_maximum;
}

int main(void) {
  struct prng prng = {0xBB67AE85u};
  uint32_t divided = division_phase(&prng);
  uint32_t products = product_phase(&prng);
  uint32_t atomics = atomic_phase(&prng);
  ftb_printf("div=%08x mulh=%08x atomics=%08x\n", divided, products, atomics);
  return check_exit_code();
}
