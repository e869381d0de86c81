/*
 * System calls of a bare program (the user variant): the Linux user-mode convention, which both
 * qemu-riscv32 and the ftbench VM's bare-program mode follow (MEMORY-MAP.md, "Bare-program mode").
 */
#ifndef FTBENCH_SYSCALL_H
#define FTBENCH_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

/* Writes length bytes to a file descriptor (1 = stdout, 2 = stderr); returns the count or -errno. */
int32_t ftb_write(int32_t descriptor, const void *bytes, size_t length);

/* Flushes buffered standard output, then ends the program with the given exit code. */
__attribute__((noreturn)) void ftb_exit(int32_t code);

#endif /* FTBENCH_SYSCALL_H */
