/*
 * The NIC driver: a receive ring of slots in guest RAM and transmit by doorbell.
 */
#include <ftbench/nic.h>

#include <ftbench/interrupts.h>
#include <ftbench/string.h>

static struct ftb_nic_slot *ring;
static uint32_t ring_mask;
/* The slot the guest reads next; the device fills slots in the same order. */
static uint32_t next_slot;

static uint32_t read_register(uint32_t offset) { return ftb_mmio_read32(FTB_NIC_BASE, offset); }
static void write_register(uint32_t offset, uint32_t value) { ftb_mmio_write32(FTB_NIC_BASE, offset, value); }

int ftb_nic_init(struct ftb_nic_slot *slots, uint32_t slot_count) {
  if (slot_count == 0 || slot_count > FTB_NIC_MAX_SLOTS || (slot_count & (slot_count - 1)) != 0) return -1;
  for (uint32_t i = 0; i < slot_count; i++) slots[i].length = 0;
  ring = slots;
  ring_mask = slot_count - 1;
  next_slot = 0;
  ftb_mmio_fence();
  /* The count first: writing the base address is what (re)starts the ring at slot 0. */
  write_register(FTB_NIC_RX_RING_SLOTS, slot_count);
  write_register(FTB_NIC_RX_RING_BASE, (uint32_t)(uintptr_t)slots);
  return 0;
}

uint32_t ftb_nic_address(void) { return read_register(FTB_NIC_ADDRESS); }

uint32_t ftb_nic_drops(void) { return read_register(FTB_NIC_RX_DROPS); }

int ftb_nic_peek(struct ftb_nic_frame *frame) {
  if (!ring) return 0;
  struct ftb_nic_slot *slot = &ring[next_slot];
  uint32_t length = slot->length;
  if (length == 0) return 0;
  /* The frame bytes were written before the length; read them only after seeing it. */
  ftb_mmio_fence();
  frame->bytes = slot->frame;
  frame->length = length;
  frame->source = slot->source;
  return 1;
}

void ftb_nic_release(void) {
  /* Done with the bytes before the device may overwrite them. */
  ftb_mmio_fence();
  ring[next_slot].length = 0;
  next_slot = (next_slot + 1) & ring_mask;
}

uint32_t ftb_nic_receive(void *buffer, uint32_t capacity, uint32_t *source) {
  struct ftb_nic_frame frame;
  if (!ftb_nic_peek(&frame)) return 0;
  memcpy(buffer, frame.bytes, frame.length < capacity ? frame.length : capacity);
  if (source) *source = frame.source;
  ftb_nic_release();
  return frame.length;
}

void ftb_nic_wait(void) {
  struct ftb_nic_frame frame;
  if (ftb_nic_peek(&frame)) return;
  uint32_t interrupts = ftb_interrupts_disable();
  uint32_t enabled = ftb_csr_set(mie, FTB_MIE_MEIE);
  uint32_t device_enabled = read_register(FTB_NIC_IRQ_ENABLE);
  write_register(FTB_NIC_IRQ_ENABLE, 1u);
  uint32_t hart = ftb_csr_read(mhartid);
  uint32_t routed = ftb_mmio_read32(FTB_EIC_BASE, FTB_EIC_ENABLE + 4u * hart);
  ftb_mmio_write32(FTB_EIC_BASE, FTB_EIC_ENABLE + 4u * hart, routed | (1u << FTB_IRQ_LINE_NIC));
  /* Acknowledge before looking at the ring: a frame that lands after the look raises the line
   * again, so wfi cannot sleep through it. */
  for (;;) {
    write_register(FTB_NIC_IRQ_STATUS, 1u);
    if (ftb_nic_peek(&frame)) break;
    ftb_wait_for_interrupt();
    /* wfi also wakes for other pending interrupts (a timer, say), which stay pending while MIE is
     * clear: open the window so their handlers run, or this loop would spin on them. A caller
     * that had interrupts off keeps them off and spins until its frame comes, as it asked. */
    ftb_interrupts_restore(interrupts);
    ftb_interrupts_disable();
  }
  ftb_mmio_write32(FTB_EIC_BASE, FTB_EIC_ENABLE + 4u * hart, routed);
  write_register(FTB_NIC_IRQ_ENABLE, device_enabled);
  if (!(enabled & FTB_MIE_MEIE)) ftb_csr_clear(mie, FTB_MIE_MEIE);
  ftb_interrupts_restore(interrupts);
}

int ftb_nic_transmit(const void *frame, uint32_t length, uint32_t destination) {
  uint32_t errors = read_register(FTB_NIC_TX_ERRORS);
  write_register(FTB_NIC_TX_ADDR, (uint32_t)(uintptr_t)frame);
  write_register(FTB_NIC_TX_LENGTH, length);
  write_register(FTB_NIC_TX_DESTINATION, destination);
  /* The frame's bytes must be in RAM before the doorbell sends them. */
  ftb_mmio_fence();
  write_register(FTB_NIC_TX_DOORBELL, 1u);
  return read_register(FTB_NIC_TX_ERRORS) == errors ? 0 : -1;
}

void ftb_nic_interrupt_enable(int enabled) { write_register(FTB_NIC_IRQ_ENABLE, enabled ? 1u : 0u); }

void ftb_nic_acknowledge(void) { write_register(FTB_NIC_IRQ_STATUS, 1u); }
