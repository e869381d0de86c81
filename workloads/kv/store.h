/*
 * The key-value store of the kv and smp-kv services: string keys and values with get, put and
 * append. Bounds: keys up to KV_MAX_KEY bytes, values up to KV_MAX_VALUE bytes (an append or put
 * beyond it answers status 4 and changes nothing), KV_SHARDS shards of KV_SLOTS_PER_SHARD slots
 * (a new key in a full shard answers status 4). Each shard has its own lr/sc lock, so harts that
 * work on keys of different shards do not wait for each other.
 *
 * Payloads (workloads/README.md, "kv"): get = [u8 key length][key]; put and append = [u8 key
 * length][key][u16 value length][value]; get answers [u16 value length][value] (a missing key
 * reads as the empty value), put and append answer [u32 version]: the key's version after the
 * write, its count of writes (etcd's per-key version), so that a write executed twice answers
 * differently the second time.
 */
#ifndef KV_STORE_H
#define KV_STORE_H

#include <ftbench/service.h>

#include "lock.h"

#define KV_OPERATION_GET 1u
#define KV_OPERATION_PUT 2u
#define KV_OPERATION_APPEND 3u

#define KV_MAX_KEY 64u
#define KV_MAX_VALUE 1024u
#define KV_SHARDS 64u
#define KV_SLOTS_PER_SHARD 64u

struct kv_slot {
  uint16_t used;
  uint16_t key_length;
  uint16_t value_length;
  uint16_t reserved;
  /* Writes (puts and appends) applied to the key: 1 after the first. */
  uint32_t version;
  uint8_t key[KV_MAX_KEY];
  uint8_t value[KV_MAX_VALUE];
};

struct kv_shard {
  struct kv_lock lock;
  uint32_t keys;
  struct kv_slot slots[KV_SLOTS_PER_SHARD];
};

/* The application state: a named global so the harness can find and compare it. */
extern struct kv_shard kv_shards[KV_SHARDS];

/* Executes a kv operation (the service's execute callback); safe to call from several harts. */
struct ftb_result kv_store_execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply);

#endif /* KV_STORE_H */
