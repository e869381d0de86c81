/*
 * The <string.h> functions guests need. Plain byte loops: guests are benchmarks of replication,
 * not of memcpy, and the loops are easy to trust. They must not be turned back into calls to
 * themselves by the compiler, which -ffreestanding (no builtins) guarantees.
 */
#include <ftbench/string.h>

#include <stdint.h>

void *memcpy(void *restrict destination, const void *restrict source, size_t length) {
  uint8_t *to = destination;
  const uint8_t *from = source;
  /* Word copies when both are aligned: structure copies and frame buffers are the common case. */
  if ((((uintptr_t)to | (uintptr_t)from) & 3u) == 0) {
    for (; length >= 4; length -= 4, to += 4, from += 4) *(uint32_t *)to = *(const uint32_t *)from;
  }
  while (length--) *to++ = *from++;
  return destination;
}

void *memmove(void *destination, const void *source, size_t length) {
  uint8_t *to = destination;
  const uint8_t *from = source;
  if (to == from || length == 0) return destination;
  if (to < from || to >= from + length) {
    while (length--) *to++ = *from++;
  } else {
    /* The regions overlap with the destination above the source: copy from the end. */
    to += length;
    from += length;
    while (length--) *--to = *--from;
  }
  return destination;
}

void *memset(void *destination, int value, size_t length) {
  uint8_t *to = destination;
  while (length--) *to++ = (uint8_t)value;
  return destination;
}

int memcmp(const void *left, const void *right, size_t length) {
  const uint8_t *a = left;
  const uint8_t *b = right;
  for (; length; length--, a++, b++) {
    if (*a != *b) return *a < *b ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char *string) {
  const char *end = string;
  while (*end) end++;
  return (size_t)(end - string);
}

int strcmp(const char *left, const char *right) {
  const unsigned char *a = (const unsigned char *)left;
  const unsigned char *b = (const unsigned char *)right;
  while (*a && *a == *b) a++, b++;
  return (*a > *b) - (*a < *b);
}

int strncmp(const char *left, const char *right, size_t length) {
  const unsigned char *a = (const unsigned char *)left;
  const unsigned char *b = (const unsigned char *)right;
  for (; length; length--, a++, b++) {
    if (*a != *b || *a == 0) return (*a > *b) - (*a < *b);
  }
  return 0;
}
