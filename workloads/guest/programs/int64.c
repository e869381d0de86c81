/*
 * 64-bit arithmetic on a 32-bit machine: multiply, divide, remainder and shifts of int64_t and
 * uint64_t, which clang lowers to instruction sequences and to the runtime's libgcc-style helpers
 * (__udivdi3, __divdi3, __umoddi3, __moddi3; runtime/common/int64.c). The results are checked
 * against the identities of division and against known values, and printed as checksums that a
 * native 64-bit build of this file reproduces.
 */
#include <stdint.h>

#include <ftbench/format.h>

#include "check.h"
#include "prng.h"

#define PAIRS 600

/* Operands of every magnitude: a random width from 1 to 64 bits, then a random sign. */
static uint64_t random_operand(struct prng *prng) {
  uint32_t width = prng_next(prng) % 64u + 1u;
  uint64_t value = prng_next64(prng);
  return width == 64 ? value : value & ((1ull << width) - 1);
}

static uint64_t mix(uint64_t hash, uint64_t value) { return (hash ^ value) * 0x00000100000001b3ull; }

static uint64_t magnitude(int64_t value) { return value < 0 ? 0 - (uint64_t)value : (uint64_t)value; }

static void unsigned_pairs(void) {
  struct prng prng = {2024u};
  uint64_t hash = 0xcbf29ce484222325ull;
  int broken = 0;
  for (int i = 0; i < PAIRS; i++) {
    uint64_t n = random_operand(&prng), d = random_operand(&prng);
    if (d == 0) d = 1;
    uint64_t q = n / d, r = n % d;
    if (q * d + r != n || r >= d) broken++;
    hash = mix(mix(mix(hash, q), r), n * d);
  }
  ftb_printf("uint64 div/rem/mul: checksum=%016llx\n", (unsigned long long)hash);
  check("uint64 n == q*d + r and r < d", broken == 0);
}

static void signed_pairs(void) {
  struct prng prng = {4096u};
  uint64_t hash = 0xcbf29ce484222325ull;
  int broken = 0;
  for (int i = 0; i < PAIRS; i++) {
    int64_t n = (int64_t)random_operand(&prng), d = (int64_t)random_operand(&prng);
    if (prng_next(&prng) & 1u) n = -n;
    if (prng_next(&prng) & 1u) d = -d;
    /* Division by zero and INT64_MIN / -1 are undefined in C (and trap on x86). */
    if (d == 0 || (n == INT64_MIN && d == -1)) d = 3;
    int64_t q = n / d, r = n % d;
    if (q * d + r != n) broken++;
    if (magnitude(r) >= magnitude(d)) broken++;
    if (r != 0 && (r < 0) != (n < 0)) broken++;
    hash = mix(mix(mix(hash, (uint64_t)q), (uint64_t)r), (uint64_t)(n * d));
  }
  ftb_printf("int64 div/rem/mul: checksum=%016llx\n", (unsigned long long)hash);
  check("int64 n == q*d + r, |r| < |d|, sign of r", broken == 0);
}

static void shifts(void) {
  struct prng prng = {77u};
  uint64_t hash = 0xcbf29ce484222325ull;
  for (int i = 0; i < 40; i++) {
    uint64_t value = prng_next64(&prng);
    /* Through a volatile so that the compiler cannot fold the shift counts into constants. */
    for (volatile int shift = 0; shift < 64; shift++) {
      hash = mix(hash, value << shift);
      hash = mix(hash, value >> shift);
      hash = mix(hash, (uint64_t)((int64_t)value >> shift));
    }
  }
  ftb_printf("shifts: checksum=%016llx\n", (unsigned long long)hash);
}

/* Inputs behind volatile, so that these run on the machine rather than in the compiler. */
static volatile uint64_t all_ones = UINT64_MAX;
static volatile int64_t most_negative = INT64_MIN;
static volatile uint64_t ten_to_18 = 1000000000000000000ull;
static volatile uint64_t ten_to_9 = 1000000000ull;
static volatile int64_t minus_seven = -7;
static volatile uint64_t three = 3;
static volatile uint64_t seventeen = 17;

static void known_values(void) {
  uint64_t ones = all_ones;
  int64_t minimum = most_negative;
  check("max / 3", ones / three == 0x5555555555555555ull);
  check("max % 17", ones % seventeen == 0ull);
  check("1e18 / 1e9", ten_to_18 / ten_to_9 == 1000000000ull);
  check("1e18 % (1e9 + 7)", ten_to_18 % (ten_to_9 + 7) == 49ull);
  check("min / -7", minimum / minus_seven == 1317624576693539401ll);
  check("min % -7", minimum % minus_seven == -1ll);
  check("-1e18 / 7", -(int64_t)ten_to_18 / 7 == -142857142857142857ll);
  check("min >> 63", minimum >> 63 == -1ll);
  check("(uint64) min >> 63", (uint64_t)minimum >> 63 == 1ull);
  check("1e9 * 1e9", ten_to_9 * ten_to_9 == ten_to_18);
  /* The casts make the arguments long long on every host, so a native build prints the same. */
  ftb_printf("max / 3 = %llu, min / -7 = %lld, min %% -7 = %lld, -1e18 / 7 = %lld\n",
             (unsigned long long)(ones / three), (long long)(minimum / minus_seven),
             (long long)(minimum % minus_seven), (long long)(-(int64_t)ten_to_18 / 7));
  ftb_printf("min = %lld, max = %llu, hex %llx\n", (long long)minimum, (unsigned long long)ones,
             (unsigned long long)minimum);
}

int main(void) {
  unsigned_pairs();
  signed_pairs();
  shifts();
  known_values();
  return check_exit_code();
}
