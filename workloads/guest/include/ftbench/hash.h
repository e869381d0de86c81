/*
 * FNV-1a, 32 bits: a cheap, well-spread hash for short keys and for checksumming payloads. The
 * client side computes the same function (workloads/net-bulk/workload.ts checks net-bulk's pushes
 * with it), so its constants are part of the wire contract where a reply carries a checksum.
 */
#ifndef FTBENCH_HASH_H
#define FTBENCH_HASH_H

#include <stdint.h>

#define FTB_FNV_OFFSET_BASIS 2166136261u
#define FTB_FNV_PRIME 16777619u

/* FNV-1a of length bytes at bytes. */
static inline uint32_t ftb_fnv1a(const uint8_t *bytes, uint32_t length) {
  uint32_t hash = FTB_FNV_OFFSET_BASIS;
  for (uint32_t index = 0; index < length; index++) hash = (hash ^ bytes[index]) * FTB_FNV_PRIME;
  return hash;
}

#endif /* FTBENCH_HASH_H */
