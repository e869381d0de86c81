/*
 * Control and status registers of the machine-mode hart, and the bits of them the runtime uses
 * (RISC-V privileged specification, chapter "Machine-Level ISA").
 */
#ifndef FTBENCH_CSR_H
#define FTBENCH_CSR_H

#define FTB_MSTATUS_MIE (1 << 3)

#define FTB_MIE_MSIE (1 << 3)
#define FTB_MIE_MTIE (1 << 7)
#define FTB_MIE_MEIE (1 << 11)

/* mcause: the top bit tells an interrupt from an exception; the rest is the code. */
#define FTB_MCAUSE_INTERRUPT 0x80000000
#define FTB_INTERRUPT_CODE_SOFTWARE 3
#define FTB_INTERRUPT_CODE_TIMER 7
#define FTB_INTERRUPT_CODE_EXTERNAL 11

#ifndef __ASSEMBLER__

#include <stdint.h>

#define ftb_csr_read(name)                                   \
  ({                                                         \
    uint32_t ftb_csr_value_;                                 \
    __asm__ volatile("csrr %0, " #name : "=r"(ftb_csr_value_)); \
    ftb_csr_value_;                                          \
  })

#define ftb_csr_write(name, value) __asm__ volatile("csrw " #name ", %0" ::"r"((uint32_t)(value)) : "memory")

/* Atomically sets bits, returning the register's previous value. */
#define ftb_csr_set(name, bits)                                                                   \
  ({                                                                                              \
    uint32_t ftb_csr_old_;                                                                        \
    __asm__ volatile("csrrs %0, " #name ", %1" : "=r"(ftb_csr_old_) : "r"((uint32_t)(bits)) : "memory"); \
    ftb_csr_old_;                                                                                 \
  })

/* Atomically clears bits, returning the register's previous value. */
#define ftb_csr_clear(name, bits)                                                                 \
  ({                                                                                              \
    uint32_t ftb_csr_old_;                                                                        \
    __asm__ volatile("csrrc %0, " #name ", %1" : "=r"(ftb_csr_old_) : "r"((uint32_t)(bits)) : "memory"); \
    ftb_csr_old_;                                                                                 \
  })

#endif /* __ASSEMBLER__ */

#endif /* FTBENCH_CSR_H */
