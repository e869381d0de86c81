/*
 * Start-up code of a machine guest: every hart enters here at reset (MEMORY-MAP.md: pc = ELF
 * entry, mhartid = hart index, every other register zero, mtvec = 0, mstatus = 0).
 *
 * Each hart takes its own stack at the top of RAM and points mtvec at the trap vector. Hart 0
 * zeroes .bss and calls main(). The other harts must not touch .bss before it is zeroed, so they
 * park on two words in .data (which the ELF image itself initialises) until hart 0 calls
 * ftb_harts_release() (runtime/machine/harts.c); then they call ftb_secondary_main(hart).
 */
#include <ftbench/csr.h>
#include <ftbench/hart.h>

  .section .text.start, "ax"
  .globl _start
_start:
  csrw mie, zero
  csrr s0, mhartid
  li t0, FTB_MAX_HARTS
  bltu s0, t0, take_stack
  tail ftb_halt
take_stack:

  /* sp = RAM end - hart * FTB_HART_STACK_SIZE; __ram_end comes from the linker script. */
  lui t0, %hi(__ram_end)
  addi t0, t0, %lo(__ram_end)
  li t1, FTB_HART_STACK_SIZE
  mul t1, t1, s0
  sub sp, t0, t1

  la t0, ftb_trap_vector
  csrw mtvec, t0
  bnez s0, park

  la t0, __bss_start
  la t1, __bss_end
zero_bss:
  bgeu t0, t1, run_main
  sw zero, 0(t0)
  addi t0, t0, 4
  j zero_bss

run_main:
  call main
  call ftb_main_returned

/*
 * A secondary hart announces itself in ftb_harts_parked and waits for ftb_harts_released.
 * MSIE lets wfi wake on the release's software interrupt while mstatus.MIE stays clear, so no
 * trap is taken. The AMO is sequentially consistent (.aqrl): either hart 0 sees this hart's bit
 * and sends it an interrupt, or this hart sees the release flag, so no wake-up is lost.
 */
park:
  li t0, 1
  sll t0, t0, s0
  la t1, ftb_harts_parked
  amoor.w.aqrl zero, t0, (t1)
  li t0, FTB_MIE_MSIE
  csrw mie, t0
  la t1, ftb_harts_released
wait_release:
  lw t0, 0(t1)
  bnez t0, released
  wfi
  j wait_release
released:
  fence r, rw
  csrw mie, zero
  mv a0, s0
  call ftb_ipi_clear
  mv a0, s0
  call ftb_secondary_main
  j ftb_halt

  .section .data.harts, "aw"
  .balign 4
  .globl ftb_harts_parked
ftb_harts_parked:
  .word 0
  .globl ftb_harts_released
ftb_harts_released:
  .word 0

  /* The linker script reserves this much below the end of RAM for the stacks. */
  .globl __ftb_stacks_size
  .set __ftb_stacks_size, FTB_MAX_HARTS * FTB_HART_STACK_SIZE
