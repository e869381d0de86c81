/*
 * A cache whose entries live for a time-to-live: the timer-heavy service. Expiry is done one of
 * two ways (boot argument `expiry`):
 * - lazy: a get compares the entry's deadline with mtime and removes it once passed;
 * - eager: a periodic timer interrupt (every `sweep-ms` milliseconds) sweeps every expired entry,
 *   and a get answers whatever the last sweep left.
 * Both read the clock (mtime) on every put and, lazily, on every get, and eager mode takes a timer
 * interrupt per period even when idle: the inputs a machine-level strategy must log (the paper's
 * idle-guest logging bandwidth comes from such timer interrupts).
 *
 * Bounds: TTL_CAPACITY entries (a put of a new key into a full cache answers status 4), keys up
 * to TTL_MAX_KEY bytes, values up to TTL_MAX_VALUE bytes.
 *
 * Operations (workloads/README.md, "ttl-cache"): 1 get ([u8 key length][key]) → [u8 found][u16
 * value length][value]; 2 put ([u8 key length][key][u32 ttl ms, 0 = never][u16 value
 * length][value]) → nothing.
 */
#include <ftbench/boot-args.h>
#include <ftbench/hash.h>
#include <ftbench/service.h>
#include <ftbench/string.h>
#include <ftbench/timer.h>

#define OPERATION_GET 1u
#define OPERATION_PUT 2u

#define TTL_CAPACITY 1024u
#define TTL_MAX_KEY 32u
#define TTL_MAX_VALUE 256u

#define SLOT_EMPTY 0u
#define SLOT_LIVE 1u
/* A removed entry: lookups probe past it, inserts reuse it. */
#define SLOT_REMOVED 2u

struct ttl_entry {
  uint8_t state;
  uint8_t key_length;
  uint16_t value_length;
  /* mtime ticks at which the entry expires; 0 = never. */
  uint64_t deadline;
  uint8_t key[TTL_MAX_KEY];
  uint8_t value[TTL_MAX_VALUE];
};

/* The application state. */
struct ttl_cache {
  uint32_t live;
  uint32_t expired;
  uint32_t sweeps;
  struct ttl_entry entries[TTL_CAPACITY];
};

struct ttl_cache ttl_cache;

static int eager_expiry;
static uint64_t sweep_period_ticks = 10u * FTB_TICKS_PER_MILLISECOND;

struct ttl_arguments {
  const uint8_t *key;
  uint32_t key_length;
  uint32_t ttl_ms;
  const uint8_t *value;
  uint32_t value_length;
};

static uint32_t hash_key(const uint8_t *key, uint32_t length) { return ftb_fnv1a(key, length); }

static const char *parse(uint32_t operation, const uint8_t *payload, uint32_t length, struct ttl_arguments *arguments) {
  if (length < 1u) return "missing key length";
  arguments->key_length = payload[0];
  arguments->key = payload + 1;
  if (arguments->key_length > TTL_MAX_KEY) return "key longer than 32 bytes";
  uint32_t after_key = 1u + arguments->key_length;
  if (operation == OPERATION_GET) return length == after_key ? 0 : "get payload is not [u8 length][key]";
  if (length < after_key + 6u) return "missing ttl or value length";
  arguments->ttl_ms = ftb_load_u32(payload + after_key);
  arguments->value_length = ftb_load_u16(payload + after_key + 4u);
  arguments->value = payload + after_key + 6u;
  if (length != after_key + 6u + arguments->value_length) return "value length does not match the payload";
  if (arguments->value_length > TTL_MAX_VALUE) return "value longer than 256 bytes";
  return 0;
}

static int matches(const struct ttl_entry *entry, const struct ttl_arguments *arguments) {
  return entry->state == SLOT_LIVE && entry->key_length == arguments->key_length &&
         memcmp(entry->key, arguments->key, arguments->key_length) == 0;
}

/* The live entry for the key, or 0; *free_slot gets the first slot a put could use (or 0). */
static struct ttl_entry *find(const struct ttl_arguments *arguments, struct ttl_entry **free_slot) {
  uint32_t start = hash_key(arguments->key, arguments->key_length) & (TTL_CAPACITY - 1u);
  *free_slot = 0;
  for (uint32_t probe = 0; probe < TTL_CAPACITY; probe++) {
    struct ttl_entry *entry = &ttl_cache.entries[(start + probe) & (TTL_CAPACITY - 1u)];
    if (matches(entry, arguments)) return entry;
    if (entry->state != SLOT_LIVE && *free_slot == 0) *free_slot = entry;
    if (entry->state == SLOT_EMPTY) return 0;
  }
  return 0;
}

static void remove_entry(struct ttl_entry *entry) {
  entry->state = SLOT_REMOVED;
  ttl_cache.live--;
  ttl_cache.expired++;
}

static int has_expired(const struct ttl_entry *entry, uint64_t now) { return entry->deadline != 0 && now >= entry->deadline; }

static struct ftb_result get(const struct ttl_arguments *arguments, uint8_t *reply) {
  struct ttl_entry *free_slot;
  struct ttl_entry *entry = find(arguments, &free_slot);
  if (entry != 0 && !eager_expiry && has_expired(entry, ftb_time_now())) {
    remove_entry(entry);
    entry = 0;
  }
  reply[0] = entry != 0;
  uint32_t length = entry != 0 ? entry->value_length : 0u;
  ftb_store_u16(reply + 1, length);
  if (length > 0) memcpy(reply + 3, entry->value, length);
  return ftb_ok(3u + length);
}

static struct ftb_result put(const struct ttl_arguments *arguments, uint8_t *reply) {
  struct ttl_entry *free_slot;
  struct ttl_entry *entry = find(arguments, &free_slot);
  if (entry == 0) {
    if (free_slot == 0) return ftb_error(FTB_STATUS_TOO_LARGE, "cache full", reply);
    entry = free_slot;
    entry->state = SLOT_LIVE;
    entry->key_length = (uint8_t)arguments->key_length;
    memcpy(entry->key, arguments->key, arguments->key_length);
    ttl_cache.live++;
  }
  entry->deadline = arguments->ttl_ms == 0 ? 0 : ftb_time_now() + (uint64_t)arguments->ttl_ms * FTB_TICKS_PER_MILLISECOND;
  entry->value_length = (uint16_t)arguments->value_length;
  memcpy(entry->value, arguments->value, arguments->value_length);
  return ftb_ok(0);
}

static struct ftb_result execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply) {
  if (operation != OPERATION_GET && operation != OPERATION_PUT) return ftb_error(FTB_STATUS_UNKNOWN_OPERATION, "unknown operation", reply);
  struct ttl_arguments arguments = {0, 0, 0, 0, 0};
  const char *problem = parse(operation, payload, length, &arguments);
  if (problem != 0) return ftb_error(FTB_STATUS_BAD_ARGUMENT, problem, reply);
  return operation == OPERATION_GET ? get(&arguments, reply) : put(&arguments, reply);
}

/* The eager sweep, in the timer interrupt: remove every expired entry, then arm the next sweep a
 * whole period from now (not from the missed deadline, so a late sweep does not run back to back). */
static void sweep(uint32_t hart) {
  (void)hart;
  uint64_t now = ftb_time_now();
  for (uint32_t index = 0; index < TTL_CAPACITY; index++) {
    struct ttl_entry *entry = &ttl_cache.entries[index];
    if (entry->state == SLOT_LIVE && has_expired(entry, now)) remove_entry(entry);
  }
  ttl_cache.sweeps++;
  ftb_timer_one_shot(sweep_period_ticks, sweep);
}

static const struct ftb_service service = {execute, 0};

int main(void) {
  char mode[8];
  eager_expiry = ftb_boot_arg_string("expiry", mode, sizeof mode) > 0 && strcmp(mode, "eager") == 0;
  int32_t sweep_ms = ftb_boot_arg_int("sweep-ms", 10);
  if (sweep_ms >= 1 && sweep_ms <= 60000) sweep_period_ticks = (uint64_t)sweep_ms * FTB_TICKS_PER_MILLISECOND;
  if (eager_expiry) ftb_timer_one_shot(sweep_period_ticks, sweep);
  ftb_service_run(&service);
}
