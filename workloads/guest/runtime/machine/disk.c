/*
 * The block disk driver: one request at a time, the calling hart waiting in wfi with interrupts
 * masked until the completion raises the disk's line (see disk.h).
 */
#include <ftbench/disk.h>

#include <ftbench/interrupts.h>

static uint32_t read_register(uint32_t offset) { return ftb_mmio_read32(FTB_DISK_BASE, offset); }
static void write_register(uint32_t offset, uint32_t value) { ftb_mmio_write32(FTB_DISK_BASE, offset, value); }

uint32_t ftb_disk_capacity(void) { return read_register(FTB_DISK_CAPACITY); }

/* Waits for the request in flight to finish; returns its final status. */
static uint32_t wait_for_completion(void) {
  uint32_t status;
  while ((status = read_register(FTB_DISK_STATUS)) == FTB_DISK_STATUS_BUSY) ftb_wait_for_interrupt();
  return status;
}

static int request(uint32_t command, uint32_t sector, uint32_t count, uint32_t buffer) {
  uint32_t hart = ftb_csr_read(mhartid);
  uint32_t enable_register = FTB_EIC_ENABLE + 4u * hart;
  uint32_t interrupts = ftb_interrupts_disable();
  uint32_t enabled = ftb_csr_set(mie, FTB_MIE_MEIE);
  uint32_t routed = ftb_mmio_read32(FTB_EIC_BASE, enable_register);
  ftb_mmio_write32(FTB_EIC_BASE, enable_register, routed | (1u << FTB_IRQ_LINE_DISK));
  write_register(FTB_DISK_IRQ_ENABLE, 1u);

  write_register(FTB_DISK_SECTOR, sector);
  write_register(FTB_DISK_COUNT, count);
  write_register(FTB_DISK_DMA_ADDR, buffer);
  /* A write's data must be in RAM before the command starts the DMA. */
  ftb_mmio_fence();
  write_register(FTB_DISK_COMMAND, command);
  uint32_t status = wait_for_completion();
  /* And a read's data may be used only after the completion was seen. */
  ftb_mmio_fence();

  /* A refused command sets the error status with no interrupt; acknowledging is harmless then. */
  write_register(FTB_DISK_IRQ_STATUS, 1u);
  ftb_mmio_write32(FTB_EIC_BASE, enable_register, routed);
  if (!(enabled & FTB_MIE_MEIE)) ftb_csr_clear(mie, FTB_MIE_MEIE);
  ftb_interrupts_restore(interrupts);
  return status == FTB_DISK_STATUS_DONE ? 0 : -1;
}

int ftb_disk_read(uint32_t sector, uint32_t count, void *buffer) {
  return request(FTB_DISK_COMMAND_READ, sector, count, (uint32_t)(uintptr_t)buffer);
}

int ftb_disk_write(uint32_t sector, uint32_t count, const void *buffer) {
  return request(FTB_DISK_COMMAND_WRITE, sector, count, (uint32_t)(uintptr_t)buffer);
}
