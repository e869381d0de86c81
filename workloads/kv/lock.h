/*
 * A spinlock on lr.w/sc.w, for the key-value store's shards: on a multi-hart guest (smp-kv) the
 * harts race for it, and which hart wins is decided by the host's interleaving of harts (the
 * lecture's multiprocessor non-determinism). On one hart it is never contended.
 */
#ifndef KV_LOCK_H
#define KV_LOCK_H

#include <stdint.h>

struct kv_lock {
  volatile uint32_t held;
};

static inline void kv_lock_acquire(struct kv_lock *lock) {
  /* Not bounded by a count: the holder leaves within one store operation (a bounded copy), so the
   * wait is bounded by that, and by the host's scheduler giving the holder time. */
  for (;;) {
    uint32_t previous;
    uint32_t failed;
    __asm__ volatile(
        "1: lr.w.aq %0, (%2)\n"
        "   bnez %0, 2f\n"
        "   sc.w %1, %3, (%2)\n"
        "   bnez %1, 1b\n"
        "2:\n"
        : "=&r"(previous), "=&r"(failed)
        : "r"(&lock->held), "r"(1u)
        : "memory");
    if (previous == 0) return;
    /* Wait with plain loads so a waiting hart does not keep taking the reservation. */
    while (lock->held != 0) {
    }
  }
}

static inline void kv_lock_release(struct kv_lock *lock) { __atomic_store_n(&lock->held, 0u, __ATOMIC_RELEASE); }

#endif /* KV_LOCK_H */
