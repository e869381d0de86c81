/*
 * The key-value store (store.h): sharded open addressing, fixed-size slots, no allocator, so that
 * every bound is a constant and the state is a plain array in guest memory.
 */
#include "store.h"

#include <ftbench/hash.h>
#include <ftbench/string.h>

struct kv_shard kv_shards[KV_SHARDS];

/* The parsed arguments of one request. */
struct kv_arguments {
  const uint8_t *key;
  uint32_t key_length;
  const uint8_t *value;
  uint32_t value_length;
};

/* FNV-1a: cheap, and spreads short keys like "key123" well over the shards. */
static uint32_t hash_key(const uint8_t *key, uint32_t length) { return ftb_fnv1a(key, length); }

/* Parses the payload; returns 0 or a reason. */
static const char *parse(uint32_t operation, const uint8_t *payload, uint32_t length, struct kv_arguments *arguments) {
  if (length < 1u) return "missing key length";
  arguments->key_length = payload[0];
  arguments->key = payload + 1;
  if (arguments->key_length > KV_MAX_KEY) return "key longer than 64 bytes";
  uint32_t after_key = 1u + arguments->key_length;
  if (operation == KV_OPERATION_GET) return length == after_key ? 0 : "get payload is not [u8 length][key]";
  if (length < after_key + 2u) return "missing value length";
  arguments->value_length = ftb_load_u16(payload + after_key);
  arguments->value = payload + after_key + 2u;
  if (length != after_key + 2u + arguments->value_length) return "value length does not match the payload";
  return 0;
}

/* The slot holding key, or the free slot where it would go (0 if the shard is full). Shard locked. */
static struct kv_slot *find_slot(struct kv_shard *shard, uint32_t hash, const struct kv_arguments *arguments) {
  uint32_t start = (hash >> 6) & (KV_SLOTS_PER_SHARD - 1u);
  for (uint32_t probe = 0; probe < KV_SLOTS_PER_SHARD; probe++) {
    struct kv_slot *slot = &shard->slots[(start + probe) & (KV_SLOTS_PER_SHARD - 1u)];
    if (!slot->used) return slot;
    if (slot->key_length == arguments->key_length && memcmp(slot->key, arguments->key, arguments->key_length) == 0) return slot;
  }
  return 0;
}

static struct ftb_result get(struct kv_slot *slot, uint8_t *reply) {
  uint32_t length = slot != 0 && slot->used ? slot->value_length : 0u;
  ftb_store_u16(reply, length);
  if (length > 0) memcpy(reply + 2, slot->value, length);
  return ftb_ok(2u + length);
}

/* put or append into slot (which may be free); the caller checked the sizes. */
static void write_value(struct kv_shard *shard, struct kv_slot *slot, uint32_t operation, const struct kv_arguments *arguments) {
  if (!slot->used) {
    slot->used = 1;
    slot->key_length = (uint16_t)arguments->key_length;
    memcpy(slot->key, arguments->key, arguments->key_length);
    slot->value_length = 0;
    slot->version = 0;
    shard->keys++;
  }
  uint32_t offset = operation == KV_OPERATION_APPEND ? slot->value_length : 0u;
  memcpy(slot->value + offset, arguments->value, arguments->value_length);
  slot->value_length = (uint16_t)(offset + arguments->value_length);
  slot->version++;
}

static struct ftb_result execute_locked(struct kv_shard *shard, uint32_t hash, uint32_t operation, const struct kv_arguments *arguments,
                                        uint8_t *reply) {
  struct kv_slot *slot = find_slot(shard, hash, arguments);
  if (operation == KV_OPERATION_GET) return get(slot, reply);
  if (slot == 0) return ftb_error(FTB_STATUS_TOO_LARGE, "store shard full", reply);
  uint32_t base = operation == KV_OPERATION_APPEND && slot->used ? slot->value_length : 0u;
  if (base + arguments->value_length > KV_MAX_VALUE) return ftb_error(FTB_STATUS_TOO_LARGE, "value longer than 1024 bytes", reply);
  write_value(shard, slot, operation, arguments);
  ftb_store_u32(reply, slot->version);
  return ftb_ok(4u);
}

struct ftb_result kv_store_execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply) {
  if (operation != KV_OPERATION_GET && operation != KV_OPERATION_PUT && operation != KV_OPERATION_APPEND) {
    return ftb_error(FTB_STATUS_UNKNOWN_OPERATION, "unknown operation", reply);
  }
  struct kv_arguments arguments = {0, 0, 0, 0};
  const char *problem = parse(operation, payload, length, &arguments);
  if (problem != 0) return ftb_error(FTB_STATUS_BAD_ARGUMENT, problem, reply);
  uint32_t hash = hash_key(arguments.key, arguments.key_length);
  struct kv_shard *shard = &kv_shards[hash & (KV_SHARDS - 1u)];
  kv_lock_acquire(&shard->lock);
  struct ftb_result result = execute_locked(shard, hash, operation, &arguments, reply);
  kv_lock_release(&shard->lock);
  return result;
}
