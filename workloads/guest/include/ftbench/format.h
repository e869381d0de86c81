/*
 * A small printf: %d %i %u %x %X %s %c %p %%, with the flags '-' and '0', a field width, and the
 * length modifiers l (32 bits on rv32) and ll (64 bits). One formatting engine serves every
 * output: the console or stdout (ftb_printf) and a caller's buffer (ftb_snprintf).
 */
#ifndef FTBENCH_FORMAT_H
#define FTBENCH_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the formatted text in pieces, in order. */
typedef void (*ftb_format_sink)(void *context, const char *bytes, size_t length);

/* Formats into sink; returns the number of characters produced. */
int ftb_format(ftb_format_sink sink, void *context, const char *format, va_list arguments);

/* Like snprintf: writes at most capacity - 1 characters and a NUL; returns the full length. */
int ftb_vsnprintf(char *buffer, size_t capacity, const char *format, va_list arguments);
int ftb_snprintf(char *buffer, size_t capacity, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Formats onto the program's output (console.h). */
int ftb_vprintf(const char *format, va_list arguments);
int ftb_printf(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif /* FTBENCH_FORMAT_H */
