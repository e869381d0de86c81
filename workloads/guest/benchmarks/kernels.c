/*
 * Compute kernels for measuring guest MIPS (npm run bench:micro): the same ELF runs on the
 * ftbench VM and on qemu-riscv32, so the ratio of their speeds is measured on identical work.
 * Three phases with different instruction mixes: quicksort (branches, loads/stores), CRC-32
 * (shifts, table loads), and an integer matrix product (multiplies). About 40 million
 * instructions, under the differential test's 50 million bound, so it is also checked there.
 */
#include <stdint.h>

#include <ftbench/format.h>

#include "../programs/check.h"
#include "../programs/prng.h"

#define SORT_ELEMENTS 40000
#define CRC_BYTES 65536
#define CRC_PASSES 40
#define MATRIX 64

static uint32_t sort_data[SORT_ELEMENTS];
static uint8_t crc_data[CRC_BYTES];
static uint32_t crc_table[256];
static int32_t matrix_a[MATRIX][MATRIX], matrix_b[MATRIX][MATRIX], matrix_c[MATRIX][MATRIX];

static void quicksort(uint32_t *values, int low, int high) {
  while (low < high) {
    uint32_t pivot = values[(low + high) / 2];
    int i = low, j = high;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        uint32_t swap = values[i];
        values[i++] = values[j];
        values[j--] = swap;
      }
    }
    /* Recurse into the smaller side, loop on the larger: the stack stays logarithmic. */
    if (j - low < high - i) {
      quicksort(values, low, j);
      low = i;
    } else {
      quicksort(values, i, high);
      high = j;
    }
  }
}

static uint32_t sort_phase(struct prng *prng) {
  for (int i = 0; i < SORT_ELEMENTS; i++) sort_data[i] = prng_next(prng);
  quicksort(sort_data, 0, SORT_ELEMENTS - 1);
  uint32_t sum = 0;
  for (int i = 0; i < SORT_ELEMENTS; i++) {
    check("sorted order", i == 0 || sort_data[i - 1] <= sort_data[i]);
    sum = sum * 31 + sort_data[i];
  }
  return sum;
}

static uint32_t crc_phase(struct prng *prng) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[n] = c;
  }
  for (int i = 0; i < CRC_BYTES; i++) crc_data[i] = (uint8_t)prng_next(prng);
  uint32_t combined = 0;
  for (int pass = 0; pass < CRC_PASSES; pass++) {
    uint32_t crc = 0xFFFFFFFFu ^ (uint32_t)pass;
    for (int i = 0; i < CRC_BYTES; i++) crc = crc_table[(crc ^ crc_data[i]) & 0xFF] ^ (crc >> 8);
    /* Not XOR: CRC is affine in its initial value, so XOR-ing passes would cancel out. */
    combined = combined * 31 + (crc ^ 0xFFFFFFFFu);
  }
  return combined;
}

static uint32_t matrix_phase(struct prng *prng) {
  for (int i = 0; i < MATRIX; i++) {
    for (int j = 0; j < MATRIX; j++) {
      matrix_a[i][j] = (int32_t)(prng_next(prng) % 2001) - 1000;
      matrix_b[i][j] = (int32_t)(prng_next(prng) % 2001) - 1000;
    }
  }
  uint32_t trace = 0;
  for (int i = 0; i < MATRIX; i++) {
    for (int j = 0; j < MATRIX; j++) {
      int32_t sum = 0;
      for (int k = 0; k < MATRIX; k++) sum += matrix_a[i][k] * matrix_b[k][j];
      matrix_c[i][j] = sum;
    }
    trace += (uint32_t)matrix_c[i][i];
  }
  return trace;
}

int main(void) {
  struct prng prng = {0x2545F491u};
  uint32_t sorted = sort_phase(&prng);
  uint32_t crc = crc_phase(&prng);
  uint32_t trace = matrix_phase(&prng);
  ftb_printf("sort=%08x crc=%08x matrix=%08x\n", sorted, crc, trace);
  return check_exit_code();
}
