/*
 * The program's output in a bare program: standard output, buffered by line. One write system
 * call per line instead of per byte keeps the VM's bare-mode runs short; the output bytes are
 * the same either way, which is all a differential test compares.
 */
#include <ftbench/console.h>
#include <ftbench/syscall.h>

#define BUFFER_SIZE 256u

static char buffer[BUFFER_SIZE];
static size_t buffered;

void ftb_stdout_flush(void) {
  size_t written = 0;
  while (written < buffered) {
    int32_t count = ftb_write(1, buffer + written, buffered - written);
    if (count <= 0) break; /* nowhere to report a failing stdout; drop the rest */
    written += (size_t)count;
  }
  buffered = 0;
}

void ftb_console_write(const char *bytes, size_t length) {
  for (size_t i = 0; i < length; i++) {
    buffer[buffered++] = bytes[i];
    if (bytes[i] == '\n' || buffered == BUFFER_SIZE) ftb_stdout_flush();
  }
}
