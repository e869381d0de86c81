/*
 * The block disk: FTB_DISK_SECTOR_SIZE-byte sectors on the shared storage server, one request at
 * a time, data moved by DMA (MEMORY-MAP.md, "Block disk").
 *
 * The calls block the calling hart in wfi until the completion interrupt; they take the disk's
 * EIC line to that hart while they wait and acknowledge the completion themselves, so a program
 * registers no disk handler to use them. Starting a request is an output of the machine; its
 * completion is an input.
 */
#ifndef FTBENCH_DISK_H
#define FTBENCH_DISK_H

#include <stdint.h>

#include "machine.h"

/* Disk size in sectors. */
uint32_t ftb_disk_capacity(void);

/*
 * Reads or writes count sectors (1 to FTB_DISK_MAX_SECTORS_PER_REQUEST) starting at sector,
 * into or from buffer (in RAM). Returns 0, or -1 if the device reported an error.
 */
int ftb_disk_read(uint32_t sector, uint32_t count, void *buffer);
int ftb_disk_write(uint32_t sector, uint32_t count, const void *buffer);

#endif /* FTBENCH_DISK_H */
