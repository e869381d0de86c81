/*
 * Sorting: five algorithms over the same PRNG-generated arrays. Each prints a checksum of its
 * result, and all must agree with each other and produce ascending order. Branchy, load/store
 * heavy integer code: the bread and butter of an interpreter's instruction decoding.
 */
#include <stdint.h>

#include <ftbench/format.h>
#include <ftbench/string.h>

#include "check.h"
#include "prng.h"

#define LENGTH 1500
/* Insertion sort is quadratic: it gets a prefix, to keep the run short. */
#define INSERTION_LENGTH 300

static int32_t original[LENGTH];
static int32_t work[LENGTH];
static int32_t scratch[LENGTH];

static void insertion_sort(int32_t *values, int length) {
  for (int i = 1; i < length; i++) {
    int32_t value = values[i];
    int j = i - 1;
    for (; j >= 0 && values[j] > value; j--) values[j + 1] = values[j];
    values[j + 1] = value;
  }
}

static void shell_sort(int32_t *values, int length) {
  /* Ciura's gap sequence. */
  static const int gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
  for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
    int gap = gaps[g];
    for (int i = gap; i < length; i++) {
      int32_t value = values[i];
      int j = i;
      for (; j >= gap && values[j - gap] > value; j -= gap) values[j] = values[j - gap];
      values[j] = value;
    }
  }
}

static void swap(int32_t *a, int32_t *b) {
  int32_t t = *a;
  *a = *b;
  *b = t;
}

static void quick_sort(int32_t *values, int low, int high) {
  while (low < high) {
    /* Median of three as pivot, then Hoare partition; recurse into the smaller side. */
    int middle = low + (high - low) / 2;
    if (values[middle] < values[low]) swap(&values[middle], &values[low]);
    if (values[high] < values[low]) swap(&values[high], &values[low]);
    if (values[high] < values[middle]) swap(&values[high], &values[middle]);
    int32_t pivot = values[middle];
    int i = low - 1, j = high + 1;
    for (;;) {
      do i++; while (values[i] < pivot);
      do j--; while (values[j] > pivot);
      if (i >= j) break;
      swap(&values[i], &values[j]);
    }
    if (j - low < high - j) {
      quick_sort(values, low, j);
      low = j + 1;
    } else {
      quick_sort(values, j + 1, high);
      high = j;
    }
  }
}

static void sift_down(int32_t *values, int root, int length) {
  for (;;) {
    int child = 2 * root + 1;
    if (child >= length) return;
    if (child + 1 < length && values[child + 1] > values[child]) child++;
    if (values[root] >= values[child]) return;
    swap(&values[root], &values[child]);
    root = child;
  }
}

static void heap_sort(int32_t *values, int length) {
  for (int i = length / 2 - 1; i >= 0; i--) sift_down(values, i, length);
  for (int end = length - 1; end > 0; end--) {
    swap(&values[0], &values[end]);
    sift_down(values, 0, end);
  }
}

/* Bottom-up merge sort through the scratch array. */
static void merge_sort(int32_t *values, int length) {
  for (int width = 1; width < length; width *= 2) {
    for (int start = 0; start < length; start += 2 * width) {
      int middle = start + width < length ? start + width : length;
      int end = start + 2 * width < length ? start + 2 * width : length;
      int left = start, right = middle, out = start;
      while (left < middle && right < end) scratch[out++] = values[left] <= values[right] ? values[left++] : values[right++];
      while (left < middle) scratch[out++] = values[left++];
      while (right < end) scratch[out++] = values[right++];
    }
    memcpy(values, scratch, (size_t)length * sizeof values[0]);
  }
}

/* FNV-1a over the values' bytes, little-endian: order-sensitive, so it checks the whole result. */
static uint32_t checksum(const int32_t *values, int length) {
  uint32_t hash = 2166136261u;
  for (int i = 0; i < length; i++) {
    uint32_t value = (uint32_t)values[i];
    for (int byte = 0; byte < 4; byte++, value >>= 8) hash = (hash ^ (value & 0xffu)) * 16777619u;
  }
  return hash;
}

static int ascending(const int32_t *values, int length) {
  for (int i = 1; i < length; i++) {
    if (values[i - 1] > values[i]) return 0;
  }
  return 1;
}

static void generate(uint32_t seed, int32_t modulus) {
  struct prng prng = {seed};
  for (int i = 0; i < LENGTH; i++) {
    int32_t value = (int32_t)prng_next(&prng);
    original[i] = modulus ? value % modulus : value;
  }
}

/* Sorts a fresh copy of the input with one algorithm; returns its checksum. */
static uint32_t run(const char *name, int length, void (*sort)(int32_t *, int)) {
  memcpy(work, original, (size_t)length * sizeof work[0]);
  sort(work, length);
  uint32_t sum = checksum(work, length);
  ftb_printf("  %-10s n=%4d min=%11d max=%11d checksum=%08x\n", name, length, work[0], work[length - 1], sum);
  check(name, ascending(work, length));
  return sum;
}

static void quick_sort_all(int32_t *values, int length) { quick_sort(values, 0, length - 1); }

static void sort_data_set(const char *label, uint32_t seed, int32_t modulus) {
  generate(seed, modulus);
  ftb_printf("%s (seed %u, input checksum %08x)\n", label, seed, checksum(original, LENGTH));
  uint32_t expected = run("quick", LENGTH, quick_sort_all);
  check("shell agrees", run("shell", LENGTH, shell_sort) == expected);
  check("heap agrees", run("heap", LENGTH, heap_sort) == expected);
  check("merge agrees", run("merge", LENGTH, merge_sort) == expected);
  uint32_t prefix = run("insertion", INSERTION_LENGTH, insertion_sort);
  memcpy(work, original, INSERTION_LENGTH * sizeof work[0]);
  heap_sort(work, INSERTION_LENGTH);
  check("insertion agrees", checksum(work, INSERTION_LENGTH) == prefix);
}

int main(void) {
  sort_data_set("full range", 12345u, 0);
  /* Many duplicates: the partition's equal-keys case. */
  sort_data_set("duplicates", 777u, 50);
  return check_exit_code();
}
