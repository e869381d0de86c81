/*
 * System calls of a bare program: ecall with the number in a7 and arguments in a0-a2, the Linux
 * user-mode convention (MEMORY-MAP.md, "Bare-program mode").
 */
#include <ftbench/syscall.h>

#include <ftbench/machine.h>

static int32_t system_call3(uint32_t number, uint32_t first, uint32_t second, uint32_t third) {
  register uint32_t a0 __asm__("a0") = first;
  register uint32_t a1 __asm__("a1") = second;
  register uint32_t a2 __asm__("a2") = third;
  register uint32_t a7 __asm__("a7") = number;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return (int32_t)a0;
}

int32_t ftb_write(int32_t descriptor, const void *bytes, size_t length) {
  return system_call3(FTB_SYSCALL_WRITE, (uint32_t)descriptor, (uint32_t)(uintptr_t)bytes, length);
}

void ftb_stdout_flush(void);

void ftb_exit(int32_t code) {
  ftb_stdout_flush();
  for (;;) system_call3(FTB_SYSCALL_EXIT, (uint32_t)code, 0, 0);
}
