/*
 * The request/reply service framework (service.h): receive loop, parsing, duplicate table, replies.
 */
#include <ftbench/service.h>

#include <ftbench/boot-args.h>
#include <ftbench/hart.h>
#include <ftbench/interrupts.h>
#include <ftbench/nic.h>
#include <ftbench/string.h>
#include <ftbench/tick.h>

struct ftb_duplicate_table ftb_duplicate_table;
struct ftb_service_counters ftb_service_counters;

static struct ftb_nic_slot service_ring[FTB_SERVICE_RING_SLOTS];
/* Error replies that are not stored in the table (malformed requests, a full table). */
static uint8_t error_frame[FTB_HEADER_BYTES + 64];

_Static_assert((FTB_SERVICE_RING_SLOTS & (FTB_SERVICE_RING_SLOTS - 1)) == 0, "the NIC wants a power of two");
_Static_assert((FTB_DUPLICATE_CLIENTS & (FTB_DUPLICATE_CLIENTS - 1)) == 0, "the table's hash masks with it");

enum ftb_parse_outcome ftb_request_parse(const uint8_t *frame, uint32_t length, struct ftb_request *request,
                                         const char **reason) {
  /* Magic, client and sequence: without them there is nobody to answer. */
  if (length < FTB_HEADER_CLIENT + 8u) return FTB_PARSE_UNREADABLE;
  request->client = ftb_load_u32(frame + FTB_HEADER_CLIENT);
  request->sequence = ftb_load_u32(frame + FTB_HEADER_SEQUENCE);
  request->operation = 0;
  request->payload = frame + FTB_HEADER_BYTES;
  request->length = 0;
  if (ftb_load_u32(frame + FTB_HEADER_MAGIC) != FTB_REQUEST_MAGIC) {
    *reason = "bad magic";
    return FTB_PARSE_MALFORMED;
  }
  if (length < FTB_HEADER_BYTES) {
    *reason = "header shorter than 16 bytes";
    return FTB_PARSE_MALFORMED;
  }
  request->operation = frame[FTB_HEADER_CODE];
  request->length = ftb_load_u16(frame + FTB_HEADER_LENGTH);
  if (FTB_HEADER_BYTES + request->length != length) {
    *reason = "payload length does not match the frame";
    return FTB_PARSE_MALFORMED;
  }
  /* Sequence numbers start at 1; 0 marks "nothing executed yet" in the table. */
  if (request->sequence == 0) {
    *reason = "sequence 0";
    return FTB_PARSE_MALFORMED;
  }
  return FTB_PARSE_OK;
}

static uint32_t first_row(uint32_t client) { return (client * 2654435761u) >> 7 & (FTB_DUPLICATE_CLIENTS - 1u); }

enum ftb_admission ftb_duplicates_admit(uint32_t client, uint32_t sequence, struct ftb_duplicate_entry **found) {
  struct ftb_duplicate_table *table = &ftb_duplicate_table;
  uint32_t row = first_row(client);
  struct ftb_duplicate_entry *entry = 0;
  /* Linear probing over at most every row. */
  for (uint32_t probe = 0; probe < FTB_DUPLICATE_CLIENTS; probe++) {
    struct ftb_duplicate_entry *candidate = &table->entries[(row + probe) & (FTB_DUPLICATE_CLIENTS - 1u)];
    if (!candidate->used || candidate->client == client) {
      entry = candidate;
      break;
    }
  }
  if (entry == 0) return FTB_ADMIT_FULL;
  if (!entry->used) {
    entry->used = 1;
    entry->client = client;
    table->clients++;
  }
  *found = entry;
  /* A request older than the newest one we know of (finished or running) is from the past. */
  uint32_t newest = entry->executing_sequence > entry->last_sequence ? entry->executing_sequence : entry->last_sequence;
  if (sequence < newest) return FTB_ADMIT_STALE;
  if (sequence == entry->executing_sequence) return FTB_ADMIT_BUSY;
  if (sequence == entry->last_sequence) return FTB_ADMIT_RETRY;
  entry->executing_sequence = sequence;
  return FTB_ADMIT_NEW;
}

uint32_t ftb_reply_header(uint8_t *frame, uint32_t client, uint32_t sequence, struct ftb_result result) {
  ftb_store_u32(frame + FTB_HEADER_MAGIC, FTB_REPLY_MAGIC);
  ftb_store_u32(frame + FTB_HEADER_CLIENT, client);
  ftb_store_u32(frame + FTB_HEADER_SEQUENCE, sequence);
  frame[FTB_HEADER_CODE] = (uint8_t)result.status;
  frame[FTB_HEADER_RESERVED] = 0;
  ftb_store_u16(frame + FTB_HEADER_LENGTH, result.length);
  return FTB_HEADER_BYTES + result.length;
}

int ftb_duplicates_finish(struct ftb_duplicate_entry *entry, uint32_t sequence, struct ftb_result result) {
  if (entry->executing_sequence == sequence) entry->executing_sequence = 0;
  /* The client gave up on this sequence and a newer one already finished: keep the newer reply. */
  if (sequence <= entry->last_sequence) return 0;
  entry->last_sequence = sequence;
  entry->reply_length = ftb_reply_header(entry->reply, entry->client, sequence, result);
  return 1;
}

struct ftb_result ftb_error(uint32_t status, const char *reason, uint8_t *reply_payload) {
  uint32_t length = 0;
  /* Reasons are short literals; 60 bytes keeps every error reply small. */
  while (length < 60u && reason[length] != 0) {
    reply_payload[length] = (uint8_t)reason[length];
    length++;
  }
  struct ftb_result result = {status, length};
  return result;
}

static void send_error(uint32_t client, uint32_t sequence, uint32_t status, const char *reason, uint32_t source) {
  struct ftb_result result = ftb_error(status, reason, error_frame + FTB_HEADER_BYTES);
  uint32_t length = ftb_reply_header(error_frame, client, sequence, result);
  ftb_nic_transmit(error_frame, length, source);
}

/* A result the workload got wrong is a bug in the guest; answer it as an error rather than send
 * a frame the NIC would refuse. */
static struct ftb_result checked(struct ftb_result result, uint8_t *reply_payload) {
  if (result.length > FTB_MAX_PAYLOAD || result.status > 0xffu) {
    return ftb_error(FTB_STATUS_TOO_LARGE, "service produced an invalid reply", reply_payload);
  }
  return result;
}

void ftb_service_handle_frame(const struct ftb_service *service, const uint8_t *frame, uint32_t length,
                              uint32_t source) {
  struct ftb_request request;
  const char *reason = "";
  enum ftb_parse_outcome parsed = ftb_request_parse(frame, length, &request, &reason);
  if (parsed == FTB_PARSE_UNREADABLE) {
    ftb_service_counters.unreadable_dropped++;
    return;
  }
  if (parsed == FTB_PARSE_MALFORMED) {
    ftb_service_counters.malformed++;
    send_error(request.client, request.sequence, FTB_STATUS_MALFORMED, reason, source);
    return;
  }
  struct ftb_duplicate_entry *entry = 0;
  switch (ftb_duplicates_admit(request.client, request.sequence, &entry)) {
    case FTB_ADMIT_NEW: break;
    case FTB_ADMIT_RETRY:
      ftb_service_counters.retries_answered++;
      ftb_nic_transmit(entry->reply, entry->reply_length, source);
      return;
    case FTB_ADMIT_STALE: ftb_service_counters.stale_dropped++; return;
    case FTB_ADMIT_BUSY: ftb_service_counters.busy_dropped++; return;
    case FTB_ADMIT_FULL:
      ftb_service_counters.table_full++;
      send_error(request.client, request.sequence, FTB_STATUS_TOO_LARGE, "duplicate table full", source);
      return;
  }
  uint8_t *reply_payload = entry->reply + FTB_HEADER_BYTES;
  struct ftb_result result = checked(service->execute(request.operation, request.payload, request.length, reply_payload),
                                     reply_payload);
  ftb_service_counters.executed++;
  ftb_duplicates_finish(entry, request.sequence, result);
  ftb_nic_transmit(entry->reply, entry->reply_length, source);
}

/* The NIC's line is enabled only while the loop sleeps; should it be up at another moment, the
 * acknowledgment keeps a level-triggered line from trapping again at once. */
static void on_nic_interrupt(uint32_t hart) {
  (void)hart;
  ftb_nic_acknowledge();
}

void ftb_service_ring_init(void) {
  ftb_nic_init(service_ring, FTB_SERVICE_RING_SLOTS);
  ftb_interrupt_set_external_handler(FTB_IRQ_LINE_NIC, on_nic_interrupt);
  ftb_nic_interrupt_enable(0);
  ftb_external_enable(ftb_hart_id(), FTB_IRQ_LINE_NIC);
}

void ftb_service_wait(const struct ftb_service *service) {
  struct ftb_nic_frame frame;
  ftb_interrupts_disable();
  if (service != 0 && service->before_wait != 0) service->before_wait();
  ftb_nic_interrupt_enable(1);
  /* Acknowledge before looking at the ring: a frame that lands after the look raises the line
   * again, so wfi cannot sleep through it. */
  ftb_nic_acknowledge();
  if (!ftb_nic_peek(&frame)) ftb_wait_for_interrupt();
  ftb_nic_interrupt_enable(0);
  ftb_nic_acknowledge();
  /* Let a pending timer or software interrupt be taken now, between requests. */
  ftb_interrupts_enable();
  ftb_interrupts_disable();
}

void ftb_service_run(const struct ftb_service *service) {
  struct ftb_nic_frame frame;
  ftb_service_ring_init();
  /* The boot argument tick-hz gives the guest an OS's periodic tick (tick.h); without it the guest
   * is tickless and sleeps until a frame arrives. */
  int32_t tick_hz = ftb_boot_arg_int("tick-hz", 0);
  if (tick_hz > 0) ftb_tick_start((uint32_t)tick_hz);
  /* The service's lifetime: it serves until the machine is stopped. */
  for (;;) {
    /* At most one ring's worth per turn, so the wait (and the interrupt window) comes round. */
    for (uint32_t handled = 0; handled < FTB_SERVICE_RING_SLOTS && ftb_nic_peek(&frame); handled++) {
      ftb_service_handle_frame(service, frame.bytes, frame.length, frame.source);
      ftb_nic_release();
    }
    ftb_service_wait(service);
  }
}
