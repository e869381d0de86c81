/*
 * The one printf engine of the runtime. Output goes to a sink so that the console, standard
 * output and snprintf's buffer share every line of the conversion code: a bare program run for a
 * differential test formats exactly like a machine guest.
 */
#include <ftbench/format.h>

#include <ftbench/console.h>

#include <stdint.h>

struct conversion {
  int left_justify;
  char pad;
  unsigned width;
};

struct output {
  ftb_format_sink sink;
  void *context;
  int count;
};

static void emit(struct output *output, const char *bytes, size_t length) {
  if (length == 0) return;
  output->sink(output->context, bytes, length);
  output->count += (int)length;
}

static void emit_padding(struct output *output, char pad, unsigned count) {
  while (count--) emit(output, &pad, 1);
}

/* Emits text within the field: padding on the left unless left-justified. */
static void emit_field(struct output *output, const struct conversion *conversion,
                       const char *sign, const char *text, unsigned length) {
  unsigned sign_length = sign[0] ? 1u : 0u;
  unsigned used = length + sign_length;
  unsigned padding = conversion->width > used ? conversion->width - used : 0u;
  if (conversion->left_justify) {
    emit(output, sign, sign_length);
    emit(output, text, length);
    emit_padding(output, ' ', padding);
  } else if (conversion->pad == '0') {
    /* Zero padding goes between the sign and the digits, as in C's printf. */
    emit(output, sign, sign_length);
    emit_padding(output, '0', padding);
    emit(output, text, length);
  } else {
    emit_padding(output, ' ', padding);
    emit(output, sign, sign_length);
    emit(output, text, length);
  }
}

/* Writes value's digits at the end of digits[24]; returns where they start. */
static char *render_unsigned(char *end, uint64_t value, unsigned base, int uppercase) {
  const char *alphabet = uppercase ? "0123456789ABCDEF" : "0123456789abcdef";
  char *cursor = end;
  /* Values that fit 32 bits take 32-bit division: cheaper, and the common case. */
  if (value <= UINT32_MAX) {
    uint32_t small = (uint32_t)value;
    do {
      *--cursor = alphabet[small % base];
      small /= base;
    } while (small);
    return cursor;
  }
  do {
    *--cursor = alphabet[value % base];
    value /= base;
  } while (value);
  return cursor;
}

static void emit_number(struct output *output, const struct conversion *conversion, uint64_t magnitude,
                        int negative, unsigned base, int uppercase) {
  char digits[24];
  char *end = digits + sizeof digits;
  char *start = render_unsigned(end, magnitude, base, uppercase);
  emit_field(output, conversion, negative ? "-" : "", start, (unsigned)(end - start));
}

/* Reads the flags and width of a conversion; returns the first character after them. */
static const char *parse_conversion(const char *cursor, struct conversion *conversion) {
  conversion->left_justify = 0;
  conversion->pad = ' ';
  conversion->width = 0;
  for (;; cursor++) {
    if (*cursor == '-') conversion->left_justify = 1;
    else if (*cursor == '0') conversion->pad = '0';
    else break;
  }
  while (*cursor >= '0' && *cursor <= '9') conversion->width = conversion->width * 10u + (unsigned)(*cursor++ - '0');
  return cursor;
}

static int64_t take_signed(va_list *arguments, int long_long) {
  return long_long ? va_arg(*arguments, long long) : (int64_t)va_arg(*arguments, int);
}

static uint64_t take_unsigned(va_list *arguments, int long_long) {
  return long_long ? va_arg(*arguments, unsigned long long) : (uint64_t)va_arg(*arguments, unsigned);
}

/* Formats one conversion starting at its specifier; returns the character after it. */
static const char *format_one(struct output *output, const char *cursor, va_list *arguments) {
  struct conversion conversion;
  cursor = parse_conversion(cursor, &conversion);
  int long_long = 0;
  /* On rv32 `long` is 32 bits, so only "ll" changes the argument's size. */
  if (*cursor == 'l') {
    cursor++;
    if (*cursor == 'l') long_long = 1, cursor++;
  }
  char specifier = *cursor;
  switch (specifier) {
    case 'd':
    case 'i': {
      int64_t value = take_signed(arguments, long_long);
      uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
      emit_number(output, &conversion, magnitude, value < 0, 10, 0);
      break;
    }
    case 'u': emit_number(output, &conversion, take_unsigned(arguments, long_long), 0, 10, 0); break;
    case 'x': emit_number(output, &conversion, take_unsigned(arguments, long_long), 0, 16, 0); break;
    case 'X': emit_number(output, &conversion, take_unsigned(arguments, long_long), 0, 16, 1); break;
    case 'p': {
      emit(output, "0x", 2);
      emit_number(output, &conversion, (uintptr_t)va_arg(*arguments, void *), 0, 16, 0);
      break;
    }
    case 'c': {
      char character = (char)va_arg(*arguments, int);
      emit_field(output, &conversion, "", &character, 1);
      break;
    }
    case 's': {
      const char *string = va_arg(*arguments, const char *);
      if (!string) string = "(null)";
      unsigned length = 0;
      while (string[length]) length++;
      emit_field(output, &conversion, "", string, length);
      break;
    }
    case '%': emit(output, "%", 1); break;
    case '\0': return cursor; /* a lone '%' at the end: nothing to convert */
    default: emit(output, cursor - 1, 2); break; /* unknown: show it rather than guess */
  }
  return cursor + 1;
}

int ftb_format(ftb_format_sink sink, void *context, const char *format, va_list arguments) {
  struct output output = {sink, context, 0};
  va_list cursor_arguments;
  va_copy(cursor_arguments, arguments);
  const char *cursor = format;
  while (*cursor) {
    const char *literal = cursor;
    while (*cursor && *cursor != '%') cursor++;
    emit(&output, literal, (size_t)(cursor - literal));
    if (*cursor == '%') cursor = format_one(&output, cursor + 1, &cursor_arguments);
  }
  va_end(cursor_arguments);
  return output.count;
}

struct buffer {
  char *bytes;
  size_t capacity;
  size_t used;
};

static void buffer_sink(void *context, const char *bytes, size_t length) {
  struct buffer *buffer = context;
  for (size_t i = 0; i < length; i++) {
    /* Keep the last byte for the terminating NUL; count what does not fit, as snprintf does. */
    if (buffer->used + 1 < buffer->capacity) buffer->bytes[buffer->used] = bytes[i];
    buffer->used++;
  }
}

int ftb_vsnprintf(char *destination, size_t capacity, const char *format, va_list arguments) {
  struct buffer buffer = {destination, capacity, 0};
  int count = ftb_format(buffer_sink, &buffer, format, arguments);
  if (capacity > 0) destination[buffer.used < capacity ? buffer.used : capacity - 1] = '\0';
  return count;
}

int ftb_snprintf(char *destination, size_t capacity, const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  int count = ftb_vsnprintf(destination, capacity, format, arguments);
  va_end(arguments);
  return count;
}

int ftb_printf(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  int count = ftb_vprintf(format, arguments);
  va_end(arguments);
  return count;
}

static void console_sink(void *context, const char *bytes, size_t length) {
  (void)context;
  ftb_console_write(bytes, length);
}

int ftb_vprintf(const char *format, va_list arguments) {
  return ftb_format(console_sink, 0, format, arguments);
}
