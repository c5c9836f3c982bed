// detail::latch: a reader-writer lock that prefers writers.
//
// std::shared_mutex on glibc prefers readers: a steady stream of overlapping readers can keep a
// writer out forever. The store's latch must let a commit publish promptly, so it asks glibc for
// a writer-preferring rwlock. Meets the SharedMutex requirements (std::shared_lock and
// std::unique_lock work with it). Not recursive: a thread must not take it twice. Thread-safe.
#pragma once

#include <pthread.h>

namespace customerdb::detail {

class latch {
 public:
  latch() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&lock_, &attr);
    pthread_rwlockattr_destroy(&attr);
  }
  ~latch() { pthread_rwlock_destroy(&lock_); }
  latch(const latch&) = delete;
  latch& operator=(const latch&) = delete;

  void lock() { pthread_rwlock_wrlock(&lock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
  void unlock() { pthread_rwlock_unlock(&lock_); }
  void lock_shared() { pthread_rwlock_rdlock(&lock_); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
  void unlock_shared() { pthread_rwlock_unlock(&lock_); }

 private:
  pthread_rwlock_t lock_;
};

}  // namespace customerdb::detail
