/*
 * The NIC: whole frames with a 32-bit source and destination network address, received by DMA
 * into a ring of slots in guest RAM and sent by doorbell (MEMORY-MAP.md, "NIC").
 *
 * One ring per machine; the driver keeps the index of the next slot to read, so receive calls
 * must not race each other (call them from one hart, or under a spinlock).
 */
#ifndef FTBENCH_NIC_H
#define FTBENCH_NIC_H

#include <stdint.h>

#include "machine.h"

/* One receive slot, laid out as the device writes it. */
struct ftb_nic_slot {
  /* 0 = empty (the device may fill it); otherwise the frame length and the guest owns the slot. */
  volatile uint32_t length;
  uint32_t source;
  uint8_t frame[FTB_NIC_MAX_FRAME];
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct ftb_nic_slot) == FTB_NIC_SLOT_SIZE, "slot layout of the device");

/* A received frame, still in its slot until ftb_nic_release(). */
struct ftb_nic_frame {
  const uint8_t *bytes;
  uint32_t length;
  uint32_t source;
};

/*
 * Hands slots[0 .. slot_count) to the device, all emptied first. slot_count is a power of two
 * from 1 to FTB_NIC_MAX_SLOTS. Returns 0, or -1 for a bad count.
 */
int ftb_nic_init(struct ftb_nic_slot *slots, uint32_t slot_count);

/* This NIC's own network address. */
uint32_t ftb_nic_address(void);

/* Frames the device dropped because the ring was full (or not set up). */
uint32_t ftb_nic_drops(void);

/* If a frame is waiting, describes it in *frame and returns 1; otherwise returns 0. */
int ftb_nic_peek(struct ftb_nic_frame *frame);

/* Gives the slot of the frame returned by ftb_nic_peek() back to the device. */
void ftb_nic_release(void);

/*
 * Copies the next frame (at most capacity bytes) into buffer and releases its slot. Returns the
 * frame's full length and its sender in *source, or 0 if no frame is waiting.
 */
uint32_t ftb_nic_receive(void *buffer, uint32_t capacity, uint32_t *source);

/* Blocks the calling hart (in wfi, on the NIC's line) until a frame is waiting. */
void ftb_nic_wait(void);

/*
 * Sends length bytes (1 to FTB_NIC_MAX_FRAME) at frame, which must be in RAM, to destination.
 * Sending is an output of the machine. Returns 0, or -1 if the device refused the frame.
 */
int ftb_nic_transmit(const void *frame, uint32_t length, uint32_t destination);

/* Turns the receive interrupt on or off at the device (route it with ftb_external_enable()). */
void ftb_nic_interrupt_enable(int enabled);

/* Acknowledges the receive interrupt; an interrupt handler for the NIC line must call this. */
void ftb_nic_acknowledge(void);

#endif /* FTBENCH_NIC_H */
