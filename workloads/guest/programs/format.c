/*
 * The runtime's printf engine (runtime/common/format.c) against what C's printf prints for the
 * same conversions: every case below is written with its expected text, which a native build
 * (where ftb_snprintf is the host's snprintf) reproduces. Then the same conversions on stdout.
 */
#include <stdint.h>

#include <ftbench/format.h>
#include <ftbench/string.h>

#include "check.h"

static char buffer[128];

static void expect(const char *expected, int length, const char *what) {
  ftb_printf("%-24s [%s]\n", what, buffer);
  check(what, strcmp(buffer, expected) == 0 && length == (int)strlen(expected));
}

int main(void) {
  int n;
  n = ftb_snprintf(buffer, sizeof buffer, "%d %d %d", 0, -1, INT32_MIN);
  expect("0 -1 -2147483648", n, "signed");
  n = ftb_snprintf(buffer, sizeof buffer, "%u %u %i", 0u, UINT32_MAX, 123);
  expect("0 4294967295 123", n, "unsigned");
  n = ftb_snprintf(buffer, sizeof buffer, "%x %X %08x", 0xdeadbeefu, 0xdeadbeefu, 0xbeefu);
  expect("deadbeef DEADBEEF 0000beef", n, "hexadecimal");
  n = ftb_snprintf(buffer, sizeof buffer, "[%5d|%-5d|%05d|%-5s|%5s]", 42, 42, -42, "ab", "ab");
  expect("[   42|42   |-0042|ab   |   ab]", n, "widths");
  n = ftb_snprintf(buffer, sizeof buffer, "%c%c%% %s", 'o', 'k', "text");
  expect("ok% text", n, "characters");
  n = ftb_snprintf(buffer, sizeof buffer, "%lld %lld", (long long)INT64_MIN, (long long)INT64_MAX);
  expect("-9223372036854775808 9223372036854775807", n, "64-bit signed");
  n = ftb_snprintf(buffer, sizeof buffer, "%llu %llx", (unsigned long long)UINT64_MAX, 0x0123456789abcdefull);
  expect("18446744073709551615 123456789abcdef", n, "64-bit unsigned");
  n = ftb_snprintf(buffer, sizeof buffer, "%ld %lu", -7L, 7UL);
  expect("-7 7", n, "long");

  /* Truncation: at most capacity - 1 characters and a NUL, but the full length is returned. */
  n = ftb_snprintf(buffer, 6, "%s", "truncated");
  expect("trunc", n - 4, "truncated");
  check("truncated length", n == 9);
  n = ftb_snprintf(buffer, 1, "%d", 12345);
  check("capacity 1 holds only the NUL", buffer[0] == '\0' && n == 5);

  ftb_printf("stdout: %d|%5u|%-3c|%s|%%|%llu\n", -5, 17u, 'x', "end", 1ull << 40);
  return check_exit_code();
}
