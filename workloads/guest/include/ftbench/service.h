/*
 * A request/reply service on the NIC (workloads/PROTOCOL.md): the receive loop, header parsing and
 * validation, the per-client duplicate table that makes retries exactly-once, and sending replies.
 * A workload supplies one function, `execute`, that carries out an operation and writes its
 * result; ftb_service_run() does everything else.
 *
 * Exactly once: the table keeps, per client, the last sequence number executed and the reply sent
 * for it. A retry (same sequence) is answered from the table without executing; a lower sequence
 * is stale and ignored; a higher one is executed and its reply stored. The table is a global in
 * guest memory (ftb_duplicate_table), so it is replicated with the service's own state.
 *
 * Bounds: FTB_DUPLICATE_CLIENTS clients (a request from one more client gets status 4, "duplicate
 * table full", and nothing is executed); FTB_SERVICE_RING_SLOTS receive slots (the NIC drops
 * frames when all are full, and the client retries).
 *
 * Idling: the loop waits in wfi with the NIC interrupt enabled only while it waits, so an idle
 * guest sits in wfi (the host may skip its time) and a disk request made by `execute` is not woken
 * early by frames that arrive meanwhile. Between two waits interrupts are opened for a moment, so
 * a workload's timer handler runs there (e.g. the TTL cache's sweeps).
 *
 * Ticking: the boot argument tick-hz (0 or absent: tickless) starts the periodic tick of tick.h
 * before the loop, so the guest wakes hz times a second like a kernel with that HZ; the tick is
 * taken at the loop's interrupt window, and one that fell due during a request counts as late.
 *
 * The lower-level calls (parse, admit, finish, send) are public for services that split the work
 * over several harts (smp-kv); they then guard the table with their own lock.
 */
#ifndef FTBENCH_SERVICE_H
#define FTBENCH_SERVICE_H

#include <stdint.h>

#include "protocol.h"

/* Clients the duplicate table can hold. */
#define FTB_DUPLICATE_CLIENTS 128u
/* Receive ring slots (a power of two): one per client the duplicate table admits, so that every
 * admitted client with its one request outstanding (PROTOCOL.md) fits and a closed loop never
 * overruns the ring (as a TCP window stays within the receiver's buffer); a real NIC has more
 * (Linux's e1000 driver defaults to 256 receive descriptors, E1000_DEFAULT_RXD). Open-loop bursts
 * beyond it see frames dropped and retry. */
#define FTB_SERVICE_RING_SLOTS FTB_DUPLICATE_CLIENTS

/* What an operation produced: a status (FTB_STATUS_*) and the length of the reply payload. */
struct ftb_result {
  uint32_t status;
  uint32_t length;
};

/*
 * Carries out `operation` with its `length` payload bytes and writes the reply payload (at most
 * FTB_MAX_PAYLOAD bytes) into reply_payload. Runs once per new sequence number; an error status
 * means the operation took no effect (its reason text is the payload).
 */
typedef struct ftb_result (*ftb_execute_function)(uint32_t operation, const uint8_t *payload, uint32_t length,
                                                  uint8_t *reply_payload);

/* Called once per loop turn, with interrupts off, before the service sleeps; may be null. */
typedef void (*ftb_idle_function)(void);

struct ftb_service {
  ftb_execute_function execute;
  ftb_idle_function before_wait;
};

/* One client's row of the duplicate table. */
struct ftb_duplicate_entry {
  /* 1 once a client owns this row; rows are never given back (the bound is on clients per run). */
  uint32_t used;
  uint32_t client;
  /* The last sequence executed (0: none yet) and the whole reply frame sent for it. */
  uint32_t last_sequence;
  /* The sequence being executed now (0: none): a retry of it is dropped, the reply is on its way. */
  uint32_t executing_sequence;
  uint32_t reply_length;
  uint8_t reply[FTB_NIC_MAX_FRAME];
};

struct ftb_duplicate_table {
  /* Rows in use. */
  uint32_t clients;
  struct ftb_duplicate_entry entries[FTB_DUPLICATE_CLIENTS];
};

extern struct ftb_duplicate_table ftb_duplicate_table;

/* Counters for people and tests; not part of the service's state. */
struct ftb_service_counters {
  uint32_t executed;
  uint32_t retries_answered;
  uint32_t stale_dropped;
  uint32_t busy_dropped;
  uint32_t malformed;
  uint32_t unreadable_dropped;
  uint32_t table_full;
};

extern struct ftb_service_counters ftb_service_counters;

/* A parsed request; payload points into the frame. */
struct ftb_request {
  uint32_t client;
  uint32_t sequence;
  uint32_t operation;
  const uint8_t *payload;
  uint32_t length;
};

/* How a frame parsed. */
enum ftb_parse_outcome {
  FTB_PARSE_OK,
  /* Not a valid request, but client and sequence are readable: answer status 1 with *reason. */
  FTB_PARSE_MALFORMED,
  /* Too short to know whom to answer: drop it. */
  FTB_PARSE_UNREADABLE,
};

enum ftb_parse_outcome ftb_request_parse(const uint8_t *frame, uint32_t length, struct ftb_request *request,
                                         const char **reason);

/* What the duplicate table says about a request. */
enum ftb_admission {
  /* A new sequence: execute it (the row now says it is executing), then ftb_duplicates_finish(). */
  FTB_ADMIT_NEW,
  /* The last sequence again: send the stored reply (entry->reply, entry->reply_length). */
  FTB_ADMIT_RETRY,
  /* Older than the client's latest: ignore it. */
  FTB_ADMIT_STALE,
  /* The sequence being executed right now: its reply will answer the retry too. */
  FTB_ADMIT_BUSY,
  /* A new client and no free row: answer status 4. */
  FTB_ADMIT_FULL,
};

enum ftb_admission ftb_duplicates_admit(uint32_t client, uint32_t sequence, struct ftb_duplicate_entry **entry);

/*
 * Records the reply of `sequence` (the payload already at entry->reply + FTB_HEADER_BYTES) as the
 * client's latest, unless a newer sequence finished first; returns 1 if it was recorded.
 */
int ftb_duplicates_finish(struct ftb_duplicate_entry *entry, uint32_t sequence, struct ftb_result result);

/* Writes a reply header at frame; returns the frame's length. */
uint32_t ftb_reply_header(uint8_t *frame, uint32_t client, uint32_t sequence, struct ftb_result result);

/* Writes reason (a C string, cut to fit) as an error payload; returns the result to answer. */
struct ftb_result ftb_error(uint32_t status, const char *reason, uint8_t *reply_payload);

/* The ok result with `length` payload bytes. */
static inline struct ftb_result ftb_ok(uint32_t length) {
  struct ftb_result result = {FTB_STATUS_OK, length};
  return result;
}

/*
 * Handles one received frame on a single-hart service: parse, admit, execute, record, reply.
 * ftb_service_run() calls it for every frame; exposed for services with their own loop.
 */
void ftb_service_handle_frame(const struct ftb_service *service, const uint8_t *frame, uint32_t length,
                              uint32_t source);

/* Sets up the NIC ring and serves requests for ever on the calling hart. */
__attribute__((noreturn)) void ftb_service_run(const struct ftb_service *service);

/* Sets up the receive ring (ftb_service_run does it; multi-hart services call it themselves). */
void ftb_service_ring_init(void);

/*
 * Waits in wfi, interrupts off, until a frame is in the ring; then opens interrupts for a moment
 * so that pending timer or software interrupts are taken. Returns when a frame may be waiting.
 */
void ftb_service_wait(const struct ftb_service *service);

#endif /* FTBENCH_SERVICE_H */
