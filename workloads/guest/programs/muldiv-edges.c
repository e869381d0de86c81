/*
 * Edge cases of the M extension, through inline assembly so that the compiler cannot decide the
 * results itself (in C these cases are undefined). The RISC-V manual specifies them: division by
 * zero gives a quotient of all ones and a remainder equal to the dividend; INT_MIN / -1
 * overflows to INT_MIN with remainder 0; nothing traps. And the three high-half multiplies on
 * operands of every sign.
 */
#include <stdint.h>

#include <ftbench/format.h>

#include "check.h"

#define BINARY(instruction, left, right)                                                   \
  ({                                                                                       \
    uint32_t binary_result_;                                                               \
    __asm__ volatile(instruction " %0, %1, %2" : "=r"(binary_result_) : "r"(left), "r"(right)); \
    binary_result_;                                                                        \
  })

static const uint32_t operands[] = {0u, 1u, 2u, 3u, 7u, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xfffffffeu, 0xffffffffu};
#define OPERAND_COUNT (sizeof operands / sizeof operands[0])

static void check_specified_cases(void) {
  uint32_t minimum = 0x80000000u, minus_one = 0xffffffffu;
  check("div by zero", BINARY("div", 1234u, 0u) == 0xffffffffu);
  check("div negative by zero", BINARY("div", (uint32_t)-1234, 0u) == 0xffffffffu);
  check("divu by zero", BINARY("divu", 1234u, 0u) == 0xffffffffu);
  check("rem by zero", BINARY("rem", (uint32_t)-1234, 0u) == (uint32_t)-1234);
  check("remu by zero", BINARY("remu", 1234u, 0u) == 1234u);
  check("div overflow", BINARY("div", minimum, minus_one) == minimum);
  check("rem overflow", BINARY("rem", minimum, minus_one) == 0u);
  check("divu min by -1", BINARY("divu", minimum, minus_one) == 0u);
  check("remu min by -1", BINARY("remu", minimum, minus_one) == minimum);
  check("div truncates toward zero", BINARY("div", (uint32_t)-7, 2u) == (uint32_t)-3);
  check("rem takes dividend's sign", BINARY("rem", (uint32_t)-7, 2u) == (uint32_t)-1);
  check("mulh min*min", BINARY("mulh", minimum, minimum) == 0x40000000u);
  check("mulhu max*max", BINARY("mulhu", minus_one, minus_one) == 0xfffffffeu);
  check("mulhsu -1*max", BINARY("mulhsu", minus_one, minus_one) == 0xffffffffu);
  check("mul wraps", BINARY("mul", 0x10000u, 0x10000u) == 0u);
}

/* Every instruction on every pair of operands, printed as a table of checksums per instruction. */
static void table(void) {
  static const char *const instructions[] = {"mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"};
  for (unsigned k = 0; k < sizeof instructions / sizeof instructions[0]; k++) {
    uint32_t hash = 2166136261u;
    for (unsigned i = 0; i < OPERAND_COUNT; i++) {
      for (unsigned j = 0; j < OPERAND_COUNT; j++) {
        uint32_t a = operands[i], b = operands[j], r;
        switch (k) {
          case 0: r = BINARY("mul", a, b); break;
          case 1: r = BINARY("mulh", a, b); break;
          case 2: r = BINARY("mulhsu", a, b); break;
          case 3: r = BINARY("mulhu", a, b); break;
          case 4: r = BINARY("div", a, b); break;
          case 5: r = BINARY("divu", a, b); break;
          case 6: r = BINARY("rem", a, b); break;
          default: r = BINARY("remu", a, b); break;
        }
        hash = (hash ^ r) * 16777619u;
      }
    }
    ftb_printf("%-7s checksum=%08x\n", instructions[k], hash);
  }
}

/* The high-half multiplies against 64-bit products computed by the compiler's own sequences. */
static void check_high_halves(void) {
  int broken = 0;
  for (unsigned i = 0; i < OPERAND_COUNT; i++) {
    for (unsigned j = 0; j < OPERAND_COUNT; j++) {
      uint32_t a = operands[i], b = operands[j];
      int64_t signed_product = (int64_t)(int32_t)a * (int32_t)b;
      uint64_t unsigned_product = (uint64_t)a * b;
      int64_t mixed_product = (int64_t)(int32_t)a * (int64_t)(uint64_t)b;
      if (BINARY("mulh", a, b) != (uint32_t)((uint64_t)signed_product >> 32)) broken++;
      if (BINARY("mulhu", a, b) != (uint32_t)(unsigned_product >> 32)) broken++;
      if (BINARY("mulhsu", a, b) != (uint32_t)((uint64_t)mixed_product >> 32)) broken++;
    }
  }
  check("high halves agree with 64-bit products", broken == 0);
}

int main(void) {
  ftb_printf("div 1234/0=%08x rem -1234%%0=%d div min/-1=%08x rem min%%-1=%u\n", BINARY("div", 1234u, 0u),
             (int)BINARY("rem", (uint32_t)-1234, 0u), BINARY("div", 0x80000000u, 0xffffffffu),
             BINARY("rem", 0x80000000u, 0xffffffffu));
  check_specified_cases();
  check_high_halves();
  table();
  return check_exit_code();
}
