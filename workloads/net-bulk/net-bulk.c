/*
 * Bulk network transfer, the VMware FT paper's netperf experiment: in receive mode clients stream
 * chunks in (the guest checksums every byte and answers a small ack), in transmit mode clients ask
 * for chunks and the guest answers with replies near the frame size. Under machine-level
 * replication every received byte crosses the logging channel, which is what the experiment
 * measures; transmitted bytes do not.
 *
 * One byte stream counts both directions: its offset grows by every chunk pushed or pulled, and
 * each reply carries the offset after its chunk, which is what the `byte-stream` model checks
 * (each chunk moved exactly once).
 *
 * Operations (workloads/README.md, "net-bulk"): 1 push (payload: the chunk, 1 to NET_MAX_CHUNK
 * bytes) → [u64 offset after][u32 FNV-1a of the chunk]; 2 pull (payload: [u16 bytes], 1 to
 * NET_MAX_CHUNK) → [u64 offset after][bytes], byte i of the stream being net_pattern(i).
 */
#include <ftbench/hash.h>
#include <ftbench/service.h>

#define OPERATION_PUSH 1u
#define OPERATION_PULL 2u
/* A pull's reply holds the offset and the chunk in one frame. */
#define NET_MAX_CHUNK (FTB_MAX_PAYLOAD - 8u)

/* The application state. */
struct net_bulk_state {
  uint64_t stream_bytes;
  /* Every pushed byte folded in, so the work of consuming the input is real and checkable. */
  uint32_t received_checksum;
  uint32_t chunks;
};

struct net_bulk_state net_bulk_state;

/* The byte at stream offset `offset` of a pulled chunk (workload.ts has the same function). */
static inline uint8_t net_pattern(uint32_t offset) { return (uint8_t)((offset * 2654435761u) >> 24); }

static struct ftb_result push(const uint8_t *chunk, uint32_t length, uint8_t *reply) {
  if (length == 0 || length > NET_MAX_CHUNK) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "push needs 1 to 2016 bytes", reply);
  uint32_t hash = ftb_fnv1a(chunk, length);
  net_bulk_state.received_checksum = (net_bulk_state.received_checksum ^ hash) * FTB_FNV_PRIME;
  net_bulk_state.stream_bytes += length;
  net_bulk_state.chunks++;
  ftb_store_u64(reply, net_bulk_state.stream_bytes);
  ftb_store_u32(reply + 8, hash);
  return ftb_ok(12);
}

static struct ftb_result pull(const uint8_t *payload, uint32_t length, uint8_t *reply) {
  if (length != 2) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "pull payload is [u16 bytes]", reply);
  uint32_t bytes = ftb_load_u16(payload);
  if (bytes == 0 || bytes > NET_MAX_CHUNK) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "pull needs 1 to 2016 bytes", reply);
  uint32_t start = (uint32_t)net_bulk_state.stream_bytes;
  for (uint32_t index = 0; index < bytes; index++) reply[8 + index] = net_pattern(start + index);
  net_bulk_state.stream_bytes += bytes;
  net_bulk_state.chunks++;
  ftb_store_u64(reply, net_bulk_state.stream_bytes);
  return ftb_ok(8u + bytes);
}

static struct ftb_result execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply) {
  switch (operation) {
    case OPERATION_PUSH: return push(payload, length, reply);
    case OPERATION_PULL: return pull(payload, length, reply);
    default: return ftb_error(FTB_STATUS_UNKNOWN_OPERATION, "unknown operation", reply);
  }
}

static const struct ftb_service service = {execute, 0};

int main(void) { ftb_service_run(&service); }
