/*
 * The key-value service on a multiprocessor guest: hart 0 owns the NIC ring, parses requests and
 * consults the duplicate table, and hands new requests to worker harts (1 .. harts-1) through a
 * shared work queue; the workers execute them on the shared store (../kv/store.c, one lr/sc lock
 * per shard) and send the replies. Which worker takes which request, and in what order two
 * requests on one shard take its lock, is decided by the host's interleaving of harts: the
 * lecture's multiprocessor non-determinism, which machine-level replay of one hart's inputs
 * cannot reproduce.
 *
 * Exactly once across harts: hart 0 admits a request under the table lock and marks its sequence
 * as executing, so a retry that arrives while a worker runs it is dropped (the worker's reply
 * answers it); the worker records its reply under the same lock before sending it.
 *
 * Bounds: QUEUE_SLOTS requests waiting or running (when all are taken, hart 0 runs one itself);
 * at most FTB_MAX_HARTS harts; the store's and the table's own bounds (store.h, service.h).
 * Boot argument: harts (1 to FTB_MAX_HARTS; must equal the machine's hart count).
 * Payloads: as kv (workloads/README.md, "kv").
 */
#include <ftbench/boot-args.h>
#include <ftbench/hart.h>
#include <ftbench/interrupts.h>
#include <ftbench/nic.h>
#include <ftbench/service.h>
#include <ftbench/string.h>

#include "../kv/lock.h"
#include "../kv/store.h"

#define QUEUE_SLOTS 16u

#define WORK_FREE 0u
#define WORK_READY 1u
#define WORK_RUNNING 2u

/* One admitted request, copied out of the NIC ring so the ring slot can be given back at once. */
struct smp_work {
  volatile uint32_t state;
  uint32_t client;
  uint32_t sequence;
  uint32_t operation;
  uint32_t length;
  uint32_t source;
  struct ftb_duplicate_entry *entry;
  uint8_t payload[FTB_MAX_PAYLOAD];
};

struct smp_queue {
  struct kv_lock lock;
  /* Where the next scan for ready work starts, so that no slot waits for ever behind others. */
  uint32_t next_scan;
  struct smp_work items[QUEUE_SLOTS];
};

/* Shared between harts; application state is kv_shards and ftb_duplicate_table. */
struct smp_queue smp_queue;
/* Guards ftb_duplicate_table (and ftb_service_counters). */
static struct kv_lock table_lock;
/* The NIC's transmit registers are one set for every hart. Order: table_lock, then this. */
static struct kv_lock transmit_lock;
static uint32_t worker_harts;
static uint8_t hart_reply[FTB_MAX_HARTS][FTB_NIC_MAX_FRAME];
static uint8_t error_reply[FTB_HEADER_BYTES + 64];

static void transmit(const uint8_t *frame, uint32_t length, uint32_t destination) {
  kv_lock_acquire(&transmit_lock);
  ftb_nic_transmit(frame, length, destination);
  kv_lock_release(&transmit_lock);
}

/* Hart 0 only (error_reply is its buffer). */
static void send_error(uint32_t client, uint32_t sequence, uint32_t status, const char *reason, uint32_t source) {
  struct ftb_result result = ftb_error(status, reason, error_reply + FTB_HEADER_BYTES);
  transmit(error_reply, ftb_reply_header(error_reply, client, sequence, result), source);
}

/* Executes one taken work item on `hart`, records the reply in the table, sends it, frees the slot. */
static void run_work(struct smp_work *work, uint32_t hart) {
  uint8_t *reply = hart_reply[hart];
  struct ftb_result result = kv_store_execute(work->operation, work->payload, work->length, reply + FTB_HEADER_BYTES);
  struct ftb_duplicate_entry *entry = work->entry;
  kv_lock_acquire(&table_lock);
  ftb_service_counters.executed++;
  /* Copy into the table only if this is the client's newest sequence (see ftb_duplicates_finish). */
  if (work->sequence > entry->last_sequence) memcpy(entry->reply + FTB_HEADER_BYTES, reply + FTB_HEADER_BYTES, result.length);
  if (ftb_duplicates_finish(entry, work->sequence, result)) {
    transmit(entry->reply, entry->reply_length, work->source);
  } else {
    transmit(reply, ftb_reply_header(reply, work->client, work->sequence, result), work->source);
  }
  kv_lock_release(&table_lock);
  __atomic_store_n(&work->state, WORK_FREE, __ATOMIC_RELEASE);
}

/* Takes one ready item (marking it running), or returns 0. */
static struct smp_work *take_ready(void) {
  struct smp_work *found = 0;
  kv_lock_acquire(&smp_queue.lock);
  for (uint32_t probe = 0; probe < QUEUE_SLOTS; probe++) {
    struct smp_work *work = &smp_queue.items[(smp_queue.next_scan + probe) % QUEUE_SLOTS];
    if (work->state == WORK_READY) {
      work->state = WORK_RUNNING;
      smp_queue.next_scan = (smp_queue.next_scan + probe + 1u) % QUEUE_SLOTS;
      found = work;
      break;
    }
  }
  kv_lock_release(&smp_queue.lock);
  return found;
}

/* A free slot, or 0 when every slot waits or runs. Hart 0 is the only one that fills slots. */
static struct smp_work *free_slot(void) {
  for (uint32_t index = 0; index < QUEUE_SLOTS; index++) {
    if (__atomic_load_n(&smp_queue.items[index].state, __ATOMIC_ACQUIRE) == WORK_FREE) return &smp_queue.items[index];
  }
  return 0;
}

/* Queues an admitted request and wakes the workers (they race for it). */
static void hand_out(const struct ftb_request *request, struct ftb_duplicate_entry *entry, uint32_t source) {
  struct smp_work *work = free_slot();
  /* Every slot taken: hart 0 runs one queued item itself, which frees its slot. */
  for (uint32_t attempt = 0; work == 0 && attempt < QUEUE_SLOTS; attempt++) {
    struct smp_work *ready = take_ready();
    if (ready != 0) run_work(ready, 0);
    work = free_slot();
  }
  /* All slots running on workers: wait for one of them to finish (each is one store operation). */
  while (work == 0) work = free_slot();
  work->client = request->client;
  work->sequence = request->sequence;
  work->operation = request->operation;
  work->length = request->length;
  work->source = source;
  work->entry = entry;
  memcpy(work->payload, request->payload, request->length);
  __atomic_store_n(&work->state, WORK_READY, __ATOMIC_RELEASE);
  if (worker_harts == 0) {
    struct smp_work *ready = take_ready();
    if (ready != 0) run_work(ready, 0);
    return;
  }
  for (uint32_t hart = 1; hart <= worker_harts; hart++) ftb_ipi_send(hart);
}

static void dispatch(const uint8_t *frame, uint32_t length, uint32_t source) {
  struct ftb_request request;
  const char *reason = "";
  enum ftb_parse_outcome parsed = ftb_request_parse(frame, length, &request, &reason);
  if (parsed == FTB_PARSE_UNREADABLE) return;
  if (parsed == FTB_PARSE_MALFORMED) {
    send_error(request.client, request.sequence, FTB_STATUS_MALFORMED, reason, source);
    return;
  }
  struct ftb_duplicate_entry *entry = 0;
  kv_lock_acquire(&table_lock);
  enum ftb_admission admission = ftb_duplicates_admit(request.client, request.sequence, &entry);
  /* The stored reply is sent under the lock: no worker may record a newer one meanwhile. */
  if (admission == FTB_ADMIT_RETRY) transmit(entry->reply, entry->reply_length, source);
  kv_lock_release(&table_lock);
  if (admission == FTB_ADMIT_FULL) send_error(request.client, request.sequence, FTB_STATUS_TOO_LARGE, "duplicate table full", source);
  if (admission == FTB_ADMIT_NEW) hand_out(&request, entry, source);
}

void ftb_secondary_main(uint32_t hart) {
  if (hart > worker_harts) return;
  /* Woken by hart 0's software interrupt; MIE stays off, so wfi returns without a trap. */
  ftb_csr_write(mie, FTB_MIE_MSIE);
  /* The worker's lifetime: it serves until the machine is stopped. */
  for (;;) {
    ftb_ipi_clear(hart);
    /* Clear first, then look: work queued after the look raises MSIP again, so wfi wakes. */
    struct smp_work *work = take_ready();
    for (uint32_t handled = 0; work != 0 && handled < QUEUE_SLOTS; handled++) {
      run_work(work, hart);
      work = take_ready();
    }
    if (work != 0) {
      run_work(work, hart);
      continue;
    }
    ftb_wait_for_interrupt();
  }
}

int main(void) {
  int32_t harts = ftb_boot_arg_int("harts", 1);
  if (harts < 1 || harts > FTB_MAX_HARTS) harts = 1;
  worker_harts = (uint32_t)harts - 1u;
  ftb_service_ring_init();
  ftb_harts_release();
  struct ftb_nic_frame frame;
  /* The dispatcher's lifetime: it serves until the machine is stopped. */
  for (;;) {
    for (uint32_t handled = 0; handled < FTB_SERVICE_RING_SLOTS && ftb_nic_peek(&frame); handled++) {
      dispatch(frame.bytes, frame.length, frame.source);
      ftb_nic_release();
    }
    ftb_service_wait(0);
  }
}
