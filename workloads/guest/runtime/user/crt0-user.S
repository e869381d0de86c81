/*
 * Start-up code of a bare program. The loader (qemu-riscv32, or the ftbench VM in bare-program
 * mode) has set sp; Linux puts argc/argv there, which guests do not use. .bss is zeroed here
 * although both loaders zero it already: it costs little and keeps the program correct under any
 * loader that only copies the file's bytes.
 */
  .section .text.start, "ax"
  .globl _start
_start:
  andi sp, sp, -16
  la t0, __bss_start
  la t1, __bss_end
zero_bss:
  bgeu t0, t1, run_main
  sw zero, 0(t0)
  addi t0, t0, 4
  j zero_bss
run_main:
  call main
  tail ftb_exit
