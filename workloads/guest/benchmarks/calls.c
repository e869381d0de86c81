/*
 * A call-heavy kernel for measuring guest MIPS (npm run bench:micro): most of its instructions
 * sit in short functions reached through jal and left through jalr, the pattern on which a block
 * compiler that ends every block at a call or return does worst. Three phases: naive recursive
 * Fibonacci (calls, returns, stack spills), a tree walk through function pointers (indirect
 * calls), and a loop of small non-inlined helpers. About 30 million instructions, under the
 * differential test's 50 million bound, so it is also checked against qemu-riscv32 there.
 */
#include <stdint.h>

#include <ftbench/format.h>

#include "../programs/check.h"
#include "../programs/prng.h"

#define FIB_ARGUMENT 24
#define FIB_EXPECTED 46368u
#define TREE_NODES 4096
#define TREE_WALKS 60
#define HELPER_ROUNDS 400000

__attribute__((noinline)) static uint32_t fibonacci(uint32_t n) {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

struct node {
  uint32_t value;
  int32_t left, right;
};

static struct node tree[TREE_NODES];
typedef uint32_t (*visit_fn)(uint32_t value, uint32_t accumulator);

__attribute__((noinline)) static uint32_t visit_add(uint32_t value, uint32_t accumulator) { return accumulator + value; }
__attribute__((noinline)) static uint32_t visit_mix(uint32_t value, uint32_t accumulator) { return (accumulator ^ value) * 0x9E3779B1u; }
__attribute__((noinline)) static uint32_t visit_rotate(uint32_t value, uint32_t accumulator) { return (accumulator << 5 | accumulator >> 27) + value; }

static visit_fn const visitors[3] = {visit_add, visit_mix, visit_rotate};

/* In-order walk; the visitor is chosen per node through a table, so every visit is an indirect call. */
__attribute__((noinline)) static uint32_t walk(int32_t index, uint32_t accumulator) {
  if (index < 0) return accumulator;
  accumulator = walk(tree[index].left, accumulator);
  accumulator = visitors[tree[index].value % 3](tree[index].value, accumulator);
  return walk(tree[index].right, accumulator);
}

static int32_t build_tree(struct prng *prng) {
  int32_t root = -1;
  for (int32_t i = 0; i < TREE_NODES; i++) {
    tree[i] = (struct node){prng_next(prng), -1, -1};
    if (root < 0) {
      root = i;
      continue;
    }
    int32_t at = root;
    for (;;) {
      int32_t *next = tree[i].value < tree[at].value ? &tree[at].left : &tree[at].right;
      if (*next < 0) {
        *next = i;
        break;
      }
      at = *next;
    }
  }
  return root;
}

__attribute__((noinline)) static uint32_t clamp(uint32_t value, uint32_t low, uint32_t high) { return value < low ? low : value > high ? high : value; }
__attribute__((noinline)) static uint32_t square_step(uint32_t value) { return value * value + 1; }
__attribute__((noinline)) static uint32_t helpers(uint32_t seed) {
  uint32_t value = seed;
  for (uint32_t round = 0; round < HELPER_ROUNDS; round++) value = clamp(square_step(value), 1000, 0xF0000000u) ^ round;
  return value;
}

int main(void) {
  struct prng prng = {0x6A09E667u};
  uint32_t fib = fibonacci(FIB_ARGUMENT);
  check("fibonacci", fib == FIB_EXPECTED);
  int32_t root = build_tree(&prng);
  uint32_t walked = 0;
  for (int pass = 0; pass < TREE_WALKS; pass++) walked = walk(root, walked + (uint32_t)pass);
  uint32_t helped = helpers(prng_next(&prng));
  ftb_printf("fib=%u walk=%08x helpers=%08x\n", fib, walked, helped);
  return check_exit_code();
}
