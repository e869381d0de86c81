/*
 * An idle guest: a kernel with a periodic tick (boot argument tick-hz, tick.h) and nothing to do.
 * Between ticks it sleeps in wfi; each tick reads the clock and advances jiffies. Clients only
 * trickle in, so the run has a history: `inc` adds one to a counter, `get` reads it (the counter
 * workload's operations and model).
 *
 * Operations: 1 inc, 2 get; no payload; the reply is the counter as a little-endian u32.
 */
#include <ftbench/service.h>

#define OPERATION_INC 1u
#define OPERATION_GET 2u

/* The application state (with ftb_duplicate_table); the tick's state is the machine's, not the
 * application's (an application-level replica ticks on its own). */
uint32_t idle_counter;

static struct ftb_result execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply) {
  (void)payload;
  if (operation != OPERATION_INC && operation != OPERATION_GET) return ftb_error(FTB_STATUS_UNKNOWN_OPERATION, "unknown operation", reply);
  if (length != 0) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "idle operations take no payload", reply);
  if (operation == OPERATION_INC) idle_counter++;
  ftb_store_u32(reply, idle_counter);
  return ftb_ok(4);
}

static const struct ftb_service service = {execute, 0};

int main(void) { ftb_service_run(&service); }
