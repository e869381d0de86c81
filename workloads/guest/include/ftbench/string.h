/*
 * The string and memory functions of C's <string.h> that guests need. They keep their standard
 * names because the compiler itself emits calls to memcpy, memset and memmove (for structure
 * copies and large initialisers) even in freestanding code.
 */
#ifndef FTBENCH_STRING_H
#define FTBENCH_STRING_H

#include <stddef.h>

void *memcpy(void *restrict destination, const void *restrict source, size_t length);
void *memmove(void *destination, const void *source, size_t length);
void *memset(void *destination, int value, size_t length);
int memcmp(const void *left, const void *right, size_t length);
size_t strlen(const char *string);
int strcmp(const char *left, const char *right);
int strncmp(const char *left, const char *right, size_t length);

#endif /* FTBENCH_STRING_H */
