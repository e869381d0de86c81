/*
 * The ftbench machine for C guests: every number of harness/vm/memory-map.ts as FTB_<NAME>
 * (documented in harness/vm/MEMORY-MAP.md), plus helpers for device register access.
 *
 * The values are plain literals without suffixes, so that assembly files can use them too.
 *
 * Only the memory map's constants are object-like FTB_ macros in this file, written as plain
 * literals: workloads/guest/machine-header.test.ts checks them name for name against the
 * TypeScript side, so keep other constants in the other ftbench headers.
 */
#ifndef FTBENCH_MACHINE_H
#define FTBENCH_MACHINE_H

#include <stdint.h>

#define FTB_RAM_BASE 0x80000000
#define FTB_RAM_DEFAULT_SIZE 0x01000000
#define FTB_PAGE_SIZE 4096
#define FTB_PAGE_SHIFT 12

/* mtime ticks per second: 10 MHz, one tick per 100 ns of virtual time. */
#define FTB_TIMEBASE_HZ 10000000

#define FTB_CLINT_BASE 0x02000000
#define FTB_CLINT_SIZE 0x10000
#define FTB_CLINT_MSIP 0x0000     /* + 4 * hart */
#define FTB_CLINT_MTIMECMP 0x4000 /* + 8 * hart */
#define FTB_CLINT_MTIME 0xbff8

#define FTB_EIC_BASE 0x0c000000
#define FTB_EIC_SIZE 0x1000
#define FTB_EIC_PENDING 0x00
#define FTB_EIC_ENABLE 0x80 /* + 4 * hart */
#define FTB_IRQ_LINE_NIC 1
#define FTB_IRQ_LINE_DISK 2

#define FTB_CONSOLE_BASE 0x10000000
#define FTB_CONSOLE_SIZE 0x1000
#define FTB_CONSOLE_TX 0x00
#define FTB_CONSOLE_POWER_OFF 0x04

#define FTB_ENTROPY_BASE 0x10001000
#define FTB_ENTROPY_SIZE 0x1000
#define FTB_ENTROPY_VALUE 0x00

#define FTB_NIC_BASE 0x10002000
#define FTB_NIC_SIZE 0x1000
#define FTB_NIC_RX_RING_BASE 0x00
#define FTB_NIC_RX_RING_SLOTS 0x04
#define FTB_NIC_RX_NEXT 0x08
#define FTB_NIC_RX_DROPS 0x0c
#define FTB_NIC_TX_ADDR 0x10
#define FTB_NIC_TX_LENGTH 0x14
#define FTB_NIC_TX_DESTINATION 0x18
#define FTB_NIC_TX_DOORBELL 0x1c
#define FTB_NIC_IRQ_STATUS 0x20
#define FTB_NIC_IRQ_ENABLE 0x24
#define FTB_NIC_ADDRESS 0x28
#define FTB_NIC_TX_ERRORS 0x2c
#define FTB_NIC_SLOT_SIZE 2048
#define FTB_NIC_SLOT_HEADER 8
#define FTB_NIC_MAX_FRAME 2040
#define FTB_NIC_MAX_SLOTS 256

#define FTB_DISK_BASE 0x10003000
#define FTB_DISK_SIZE 0x1000
#define FTB_DISK_SECTOR 0x00
#define FTB_DISK_COUNT 0x04
#define FTB_DISK_DMA_ADDR 0x08
#define FTB_DISK_COMMAND 0x0c
#define FTB_DISK_STATUS 0x10
#define FTB_DISK_IRQ_STATUS 0x14
#define FTB_DISK_IRQ_ENABLE 0x18
#define FTB_DISK_CAPACITY 0x1c
#define FTB_DISK_REQUEST_ID 0x20
#define FTB_DISK_SECTOR_SIZE 512
#define FTB_DISK_MAX_SECTORS_PER_REQUEST 128
#define FTB_DISK_COMMAND_READ 1
#define FTB_DISK_COMMAND_WRITE 2
#define FTB_DISK_STATUS_IDLE 0
#define FTB_DISK_STATUS_BUSY 1
#define FTB_DISK_STATUS_DONE 2
#define FTB_DISK_STATUS_ERROR 3

/* Linux user-mode system call numbers honoured in bare-program mode. */
#define FTB_SYSCALL_WRITE 64
#define FTB_SYSCALL_EXIT 93
#define FTB_SYSCALL_EXIT_GROUP 94

#ifndef __ASSEMBLER__

/*
 * Device registers must be accessed with aligned 32-bit loads and stores (anything else is an
 * access fault), so every access goes through these two helpers; the volatile pointer keeps the
 * compiler from merging, splitting or dropping an access.
 */
static inline uint32_t ftb_mmio_read32(uint32_t base, uint32_t offset) {
  return *(volatile uint32_t *)(uintptr_t)(base + offset);
}

static inline void ftb_mmio_write32(uint32_t base, uint32_t offset, uint32_t value) {
  *(volatile uint32_t *)(uintptr_t)(base + offset) = value;
}

/*
 * Orders every earlier memory and device access before every later one, and stops the compiler
 * from moving ordinary RAM accesses across it: a frame must be in RAM before its doorbell, and a
 * DMA'd buffer may be read only after its completion was seen.
 */
static inline void ftb_mmio_fence(void) { __asm__ volatile("fence iorw, iorw" ::: "memory"); }

#endif /* __ASSEMBLER__ */

#endif /* FTBENCH_MACHINE_H */
