/*
 * Boot arguments: the host writes `key=value` lines (separated by '\n', NUL-terminated) into the
 * global ftb_boot_args before the machine starts (workloads/boot-args.ts finds the symbol with
 * the ELF symbol table). The array lives in .data, not .bss, because start-up zeroes .bss and
 * would wipe what the host wrote.
 */
#ifndef FTBENCH_BOOT_ARGS_H
#define FTBENCH_BOOT_ARGS_H

#include <stdint.h>

/* Size of ftb_boot_args in bytes, the terminating NUL included. */
#define FTB_BOOT_ARGS_BYTES 1024

extern char ftb_boot_args[FTB_BOOT_ARGS_BYTES];

/*
 * The value of `name` as a decimal integer (an optional '-' then digits), or fallback when the
 * argument is absent, empty, not a number, or out of the int32 range.
 */
int32_t ftb_boot_arg_int(const char *name, int32_t fallback);

/*
 * Copies the value of `name` into buffer (NUL-terminated, at most capacity - 1 characters) and
 * returns its length; returns -1, leaving buffer alone, when the argument is absent or does not
 * fit.
 */
int32_t ftb_boot_arg_string(const char *name, char *buffer, uint32_t capacity);

#endif /* FTBENCH_BOOT_ARGS_H */
