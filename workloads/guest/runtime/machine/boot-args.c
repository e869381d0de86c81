/*
 * Boot arguments (boot-args.h): `key=value` lines the host writes into ftb_boot_args.
 */
#include <ftbench/boot-args.h>

/* Explicitly in .data: start-up zeroes .bss, which would erase what the host wrote before reset. */
__attribute__((section(".data.ftb_boot_args"), used)) char ftb_boot_args[FTB_BOOT_ARGS_BYTES] = {0};

/* The value of `name`: its first character, its length in *length; 0 if absent. */
static const char *find_value(const char *name, uint32_t *length) {
  uint32_t at = 0;
  /* One pass over the array, line by line; the last byte is never read as text. */
  while (at < FTB_BOOT_ARGS_BYTES - 1u && ftb_boot_args[at] != 0) {
    uint32_t matched = 0;
    while (name[matched] != 0 && at + matched < FTB_BOOT_ARGS_BYTES - 1u && ftb_boot_args[at + matched] == name[matched]) matched++;
    uint32_t line_end = at;
    while (line_end < FTB_BOOT_ARGS_BYTES - 1u && ftb_boot_args[line_end] != 0 && ftb_boot_args[line_end] != '\n') line_end++;
    if (name[matched] == 0 && at + matched < line_end && ftb_boot_args[at + matched] == '=') {
      *length = line_end - (at + matched + 1u);
      return &ftb_boot_args[at + matched + 1u];
    }
    at = ftb_boot_args[line_end] == '\n' ? line_end + 1u : line_end;
  }
  return 0;
}

int32_t ftb_boot_arg_int(const char *name, int32_t fallback) {
  uint32_t length = 0;
  const char *value = find_value(name, &length);
  if (value == 0 || length == 0) return fallback;
  uint32_t at = 0;
  int negative = value[0] == '-';
  if (negative) at = 1;
  if (at == length) return fallback;
  int64_t number = 0;
  for (; at < length; at++) {
    if (value[at] < '0' || value[at] > '9') return fallback;
    number = number * 10 + (value[at] - '0');
    /* Past int32 in either direction: not a value this argument can take. */
    if (number > 2147483648LL) return fallback;
  }
  if (negative) number = -number;
  if (number > 2147483647LL || number < -2147483647LL - 1) return fallback;
  return (int32_t)number;
}

int32_t ftb_boot_arg_string(const char *name, char *buffer, uint32_t capacity) {
  uint32_t length = 0;
  const char *value = find_value(name, &length);
  if (value == 0 || capacity == 0 || length > capacity - 1u) return -1;
  for (uint32_t at = 0; at < length; at++) buffer[at] = value[at];
  buffer[length] = 0;
  return (int32_t)length;
}
