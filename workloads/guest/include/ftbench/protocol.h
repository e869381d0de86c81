/*
 * The client wire format of workloads/PROTOCOL.md, for the C services: requests from clients and
 * the replies to them, little-endian, one message per NIC frame. workloads/protocol.ts is the
 * TypeScript side; keep the two in step with PROTOCOL.md.
 */
#ifndef FTBENCH_PROTOCOL_H
#define FTBENCH_PROTOCOL_H

#include <stdint.h>

#include "machine.h"

/* "FRQ1" and "FRP1" read as little-endian words. */
#define FTB_REQUEST_MAGIC 0x31515246u
#define FTB_REPLY_MAGIC 0x31505246u

/* Header layout, the same for requests and replies. */
#define FTB_HEADER_BYTES 16u
#define FTB_HEADER_MAGIC 0u
#define FTB_HEADER_CLIENT 4u
#define FTB_HEADER_SEQUENCE 8u
/* The operation code in a request, the status in a reply. */
#define FTB_HEADER_CODE 12u
#define FTB_HEADER_RESERVED 13u
#define FTB_HEADER_LENGTH 14u

/* The most payload one frame can carry after the header. */
#define FTB_MAX_PAYLOAD (FTB_NIC_MAX_FRAME - FTB_HEADER_BYTES)

/* Reply status codes. */
#define FTB_STATUS_OK 0u
#define FTB_STATUS_MALFORMED 1u
#define FTB_STATUS_UNKNOWN_OPERATION 2u
#define FTB_STATUS_BAD_ARGUMENT 3u
#define FTB_STATUS_TOO_LARGE 4u
#define FTB_STATUS_IO_ERROR 5u

/* Little-endian field access at any alignment: frames put fields at arbitrary offsets, and the
 * machine raises a fault on a misaligned word access. */
static inline uint32_t ftb_load_u16(const uint8_t *bytes) { return (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8); }

static inline uint32_t ftb_load_u32(const uint8_t *bytes) {
  return (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8) | ((uint32_t)bytes[2] << 16) | ((uint32_t)bytes[3] << 24);
}

static inline void ftb_store_u16(uint8_t *bytes, uint32_t value) {
  bytes[0] = (uint8_t)value;
  bytes[1] = (uint8_t)(value >> 8);
}

static inline void ftb_store_u32(uint8_t *bytes, uint32_t value) {
  bytes[0] = (uint8_t)value;
  bytes[1] = (uint8_t)(value >> 8);
  bytes[2] = (uint8_t)(value >> 16);
  bytes[3] = (uint8_t)(value >> 24);
}

static inline void ftb_store_u64(uint8_t *bytes, uint64_t value) {
  ftb_store_u32(bytes, (uint32_t)value);
  ftb_store_u32(bytes + 4, (uint32_t)(value >> 32));
}

static inline uint64_t ftb_load_u64(const uint8_t *bytes) {
  return (uint64_t)ftb_load_u32(bytes) | ((uint64_t)ftb_load_u32(bytes + 4) << 32);
}

#endif /* FTBENCH_PROTOCOL_H */
