/*
 * putchar and puts over ftb_console_write(), which each variant provides: the console device in
 * a machine guest (runtime/machine/console.c), standard output in a bare program
 * (runtime/user/stdout.c).
 */
#include <ftbench/console.h>

#include <ftbench/string.h>

void ftb_putchar(char character) { ftb_console_write(&character, 1); }

void ftb_puts(const char *string) {
  ftb_console_write(string, strlen(string));
  ftb_putchar('\n');
}
