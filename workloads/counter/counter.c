/*
 * The lecture's counter as a service: `inc` adds one and answers the new value, `get` answers the
 * value. The increment is the operation a failover must neither lose nor repeat; the duplicate
 * table (service.c) answers a retried inc without incrementing again.
 *
 * Operations (payloads in workloads/README.md): 1 inc, 2 get; both take no payload and answer the
 * value as a little-endian u32.
 */
#include <ftbench/service.h>

#define OPERATION_INC 1u
#define OPERATION_GET 2u

/* The application state (with ftb_duplicate_table): a named global so the harness can find it. */
uint32_t counter_value;

static struct ftb_result execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply) {
  (void)payload;
  if (operation != OPERATION_INC && operation != OPERATION_GET) return ftb_error(FTB_STATUS_UNKNOWN_OPERATION, "unknown operation", reply);
  if (length != 0) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "counter operations take no payload", reply);
  if (operation == OPERATION_INC) counter_value++;
  ftb_store_u32(reply, counter_value);
  return ftb_ok(4);
}

static const struct ftb_service service = {execute, 0};

int main(void) { ftb_service_run(&service); }
