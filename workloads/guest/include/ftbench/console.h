/*
 * Program output. In a machine guest this is the console device (every byte is an output of the
 * machine); in a bare program it is standard output, line-buffered and written with the write
 * system call.
 */
#ifndef FTBENCH_CONSOLE_H
#define FTBENCH_CONSOLE_H

#include <stddef.h>

void ftb_putchar(char character);
void ftb_console_write(const char *bytes, size_t length);
/* Like C's puts: the string, then a newline. */
void ftb_puts(const char *string);

#endif /* FTBENCH_CONSOLE_H */
