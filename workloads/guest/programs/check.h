/*
 * Self-checks of the differential test programs. Each program prints its results (what the
 * differential test compares) and also checks what it can against known values, so that its
 * exit code alone says whether the machine computed correctly: 0, or the number of failed
 * checks (at most 255).
 */
#ifndef PROGRAMS_CHECK_H
#define PROGRAMS_CHECK_H

#include <ftbench/format.h>

static int check_failures;

static inline void check(const char *what, int passed) {
  if (!passed) {
    check_failures++;
    ftb_printf("FAIL %s\n", what);
  }
}

static inline int check_exit_code(void) {
  ftb_printf("%s: %d failed checks\n", check_failures ? "FAILED" : "passed", check_failures);
  return check_failures > 255 ? 255 : check_failures;
}

#endif /* PROGRAMS_CHECK_H */
