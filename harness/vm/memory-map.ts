/**
 * The guest-visible machine: addresses, register offsets and sizes. Documented in MEMORY-MAP.md
 * beside this file; `workloads/guest/include/ftbench/machine.h` mirrors these numbers for C (a test
 * checks that the two agree, name for name: `FTB_<NAME>` in C for `<NAME>` here).
 */

export const RAM_BASE = 0x8000_0000;
export const RAM_DEFAULT_SIZE = 16 * 1024 * 1024;
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** mtime ticks per second: 10 MHz, one tick per 100 ns of virtual time. */
export const TIMEBASE_HZ = 10_000_000;

export const CLINT_BASE = 0x0200_0000;
export const CLINT_SIZE = 0x1_0000;
export const CLINT_MSIP = 0x0000; // + 4 * hart
export const CLINT_MTIMECMP = 0x4000; // + 8 * hart
export const CLINT_MTIME = 0xbff8;

export const EIC_BASE = 0x0c00_0000;
export const EIC_SIZE = 0x1000;
export const EIC_PENDING = 0x00;
export const EIC_ENABLE = 0x80; // + 4 * hart
export const IRQ_LINE_NIC = 1;
export const IRQ_LINE_DISK = 2;

export const CONSOLE_BASE = 0x1000_0000;
export const CONSOLE_SIZE = 0x1000;
export const CONSOLE_TX = 0x00;
export const CONSOLE_POWER_OFF = 0x04;

export const ENTROPY_BASE = 0x1000_1000;
export const ENTROPY_SIZE = 0x1000;
export const ENTROPY_VALUE = 0x00;

export const NIC_BASE = 0x1000_2000;
export const NIC_SIZE = 0x1000;
export const NIC_RX_RING_BASE = 0x00;
export const NIC_RX_RING_SLOTS = 0x04;
export const NIC_RX_NEXT = 0x08;
export const NIC_RX_DROPS = 0x0c;
export const NIC_TX_ADDR = 0x10;
export const NIC_TX_LENGTH = 0x14;
export const NIC_TX_DESTINATION = 0x18;
export const NIC_TX_DOORBELL = 0x1c;
export const NIC_IRQ_STATUS = 0x20;
export const NIC_IRQ_ENABLE = 0x24;
export const NIC_ADDRESS = 0x28;
export const NIC_TX_ERRORS = 0x2c;
export const NIC_SLOT_SIZE = 2048;
export const NIC_SLOT_HEADER = 8;
export const NIC_MAX_FRAME = NIC_SLOT_SIZE - NIC_SLOT_HEADER;
export const NIC_MAX_SLOTS = 256;

export const DISK_BASE = 0x1000_3000;
export const DISK_SIZE = 0x1000;
export const DISK_SECTOR = 0x00;
export const DISK_COUNT = 0x04;
export const DISK_DMA_ADDR = 0x08;
export const DISK_COMMAND = 0x0c;
export const DISK_STATUS = 0x10;
export const DISK_IRQ_STATUS = 0x14;
export const DISK_IRQ_ENABLE = 0x18;
export const DISK_CAPACITY = 0x1c;
export const DISK_REQUEST_ID = 0x20;
export const DISK_SECTOR_SIZE = 512;
export const DISK_MAX_SECTORS_PER_REQUEST = 128;
export const DISK_COMMAND_READ = 1;
export const DISK_COMMAND_WRITE = 2;
export const DISK_STATUS_IDLE = 0;
export const DISK_STATUS_BUSY = 1;
export const DISK_STATUS_DONE = 2;
export const DISK_STATUS_ERROR = 3;

/** Linux user-mode system call numbers honoured in bare-program mode. */
export const SYSCALL_WRITE = 64;
export const SYSCALL_EXIT = 93;
export const SYSCALL_EXIT_GROUP = 94;
