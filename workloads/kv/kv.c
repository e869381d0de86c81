/*
 * The key-value service on one hart: the store (store.c) behind the service framework.
 */
#include <ftbench/service.h>

#include "store.h"

static const struct ftb_service service = {kv_store_execute, 0};

int main(void) { ftb_service_run(&service); }
