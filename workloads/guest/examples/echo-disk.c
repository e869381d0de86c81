/*
 * The NIC and disk drivers end to end: every frame received is written to the disk (one sector
 * per frame, sector = frame number), read back into another buffer, and sent back to its source
 * with a 4-byte big-endian sequence number in front. After FRAMES frames the guest halts.
 * Receiving blocks in ftb_nic_wait() and the disk calls block on the completion interrupt, so
 * a host drives it by delivering frames and completing disk requests.
 */
#include <stdint.h>

#include <ftbench/disk.h>
#include <ftbench/format.h>
#include <ftbench/nic.h>
#include <ftbench/string.h>

#define FRAMES 4
#define SLOTS 4

static struct ftb_nic_slot ring[SLOTS];
static uint8_t sector_out[FTB_DISK_SECTOR_SIZE] __attribute__((aligned(8)));
static uint8_t sector_in[FTB_DISK_SECTOR_SIZE] __attribute__((aligned(8)));
static uint8_t reply[4 + FTB_DISK_SECTOR_SIZE];

int main(void) {
  if (ftb_nic_init(ring, SLOTS) != 0) return 1;
  ftb_printf("echo-disk: address %u, disk %u sectors\n", ftb_nic_address(), ftb_disk_capacity());
  for (uint32_t sequence = 0; sequence < FRAMES; sequence++) {
    ftb_nic_wait();
    uint32_t source = 0;
    memset(sector_out, 0, sizeof sector_out);
    uint32_t length = ftb_nic_receive(sector_out, sizeof sector_out, &source);
    if (length > sizeof sector_out) length = sizeof sector_out;
    if (ftb_disk_write(sequence, 1, sector_out) != 0 || ftb_disk_read(sequence, 1, sector_in) != 0) {
      ftb_printf("disk error at frame %u\n", sequence);
      return 2;
    }
    reply[0] = (uint8_t)(sequence >> 24);
    reply[1] = (uint8_t)(sequence >> 16);
    reply[2] = (uint8_t)(sequence >> 8);
    reply[3] = (uint8_t)sequence;
    memcpy(reply + 4, sector_in, length);
    if (ftb_nic_transmit(reply, 4 + length, source) != 0) return 3;
    ftb_printf("frame %u: %u bytes from %u echoed\n", sequence, length, source);
  }
  ftb_printf("echo-disk: done, %u dropped\n", ftb_nic_drops());
  return 0;
}
