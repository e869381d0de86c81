/*
 * The A extension: every AMO (swap, add, and, or, xor, min, max, minu, maxu) and LR/SC, through
 * clang's __atomic builtins and, where no builtin maps to one instruction (signed and unsigned
 * min/max, a bare lr/sc pair), through inline assembly. Single-threaded: what is checked is each
 * instruction's result, both the value returned (the old value) and the value left in memory.
 */
#include <stdint.h>

#include <ftbench/format.h>

#include "check.h"
#include "prng.h"

static volatile uint32_t word;

#define AMO(instruction, address, operand)                                                              \
  ({                                                                                                    \
    uint32_t amo_old_;                                                                                  \
    __asm__ volatile(instruction " %0, %2, (%1)" : "=r"(amo_old_) : "r"(address), "r"(operand) : "memory"); \
    amo_old_;                                                                                           \
  })

static uint64_t hash = 0xcbf29ce484222325ull;

static void record(uint32_t old, uint32_t now) {
  hash = (hash ^ old) * 0x00000100000001b3ull;
  hash = (hash ^ now) * 0x00000100000001b3ull;
}

/* One AMO against its C meaning, on a pair of operands. */
static void check_min_max(uint32_t initial, uint32_t operand) {
  int32_t a = (int32_t)initial, b = (int32_t)operand;
  word = initial;
  check("amomin old", AMO("amomin.w", &word, operand) == initial);
  check("amomin new", word == (uint32_t)(a < b ? a : b));
  record(initial, word);
  word = initial;
  check("amomax old", AMO("amomax.w.aq", &word, operand) == initial);
  check("amomax new", word == (uint32_t)(a > b ? a : b));
  record(initial, word);
  word = initial;
  check("amominu old", AMO("amominu.w.rl", &word, operand) == initial);
  check("amominu new", word == (initial < operand ? initial : operand));
  record(initial, word);
  word = initial;
  check("amomaxu old", AMO("amomaxu.w.aqrl", &word, operand) == initial);
  check("amomaxu new", word == (initial > operand ? initial : operand));
  record(initial, word);
}

static void check_builtins(uint32_t initial, uint32_t operand) {
  word = initial;
  check("swap", __atomic_exchange_n(&word, operand, __ATOMIC_SEQ_CST) == initial && word == operand);
  record(initial, word);
  word = initial;
  check("add", __atomic_fetch_add(&word, operand, __ATOMIC_ACQ_REL) == initial && word == initial + operand);
  record(initial, word);
  word = initial;
  check("sub", __atomic_fetch_sub(&word, operand, __ATOMIC_RELAXED) == initial && word == initial - operand);
  record(initial, word);
  word = initial;
  check("and", __atomic_fetch_and(&word, operand, __ATOMIC_ACQUIRE) == initial && word == (initial & operand));
  record(initial, word);
  word = initial;
  check("or", __atomic_fetch_or(&word, operand, __ATOMIC_RELEASE) == initial && word == (initial | operand));
  record(initial, word);
  word = initial;
  check("xor", __atomic_fetch_xor(&word, operand, __ATOMIC_SEQ_CST) == initial && word == (initial ^ operand));
  record(initial, word);
  /* Compare-and-swap is an LR/SC loop on RISC-V: once with the expected value, once without. */
  word = initial;
  uint32_t expected = initial;
  check("cas succeeds", __atomic_compare_exchange_n(&word, &expected, operand, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  check("cas stored", word == operand);
  expected = operand + 1;
  check("cas fails", !__atomic_compare_exchange_n(&word, &expected, initial, 0, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
  check("cas reports current", expected == operand && word == operand);
  record(initial, word);
}

/* A bare LR/SC pair: sc.w writes 0 to its destination on success. */
static void check_lr_sc(void) {
  uint32_t loaded, failed;
  word = 41;
  __asm__ volatile(
      "lr.w %0, (%2)\n"
      "addi %0, %0, 1\n"
      "sc.w %1, %0, (%2)\n"
      : "=&r"(loaded), "=&r"(failed)
      : "r"(&word)
      : "memory");
  ftb_printf("lr/sc: loaded+1=%u sc result=%u memory=%u\n", loaded, failed, word);
  check("lr/sc increments", failed == 0 && word == 42);
  /* Every sc.w gives up the hart's reservation, whether it succeeded or not, so a second sc.w
   * right after the first has none and must fail, leaving memory alone. */
  __asm__ volatile("sc.w %0, %1, (%2)" : "=&r"(failed) : "r"(7u), "r"(&word) : "memory");
  ftb_printf("sc without reservation: result=%s memory=%u\n", failed ? "failed" : "stored", word);
  check("sc without reservation fails", failed != 0 && word == 42);
}

int main(void) {
  static const uint32_t edges[] = {0u, 1u, 0x7fffffffu, 0x80000000u, 0xffffffffu, 12345u};
  for (unsigned i = 0; i < sizeof edges / sizeof edges[0]; i++) {
    for (unsigned j = 0; j < sizeof edges / sizeof edges[0]; j++) {
      check_min_max(edges[i], edges[j]);
      check_builtins(edges[i], edges[j]);
    }
  }
  struct prng prng = {99u};
  for (int i = 0; i < 200; i++) {
    uint32_t a = prng_next(&prng), b = prng_next(&prng);
    check_min_max(a, b);
    check_builtins(a, b);
  }
  ftb_printf("amo checksum=%016llx\n", (unsigned long long)hash);
  check_lr_sc();
  return check_exit_code();
}
