// detail::batch_handoff: batches of values passed from one producing thread to one consuming
// thread, at most `depth` of them waiting at once, so that a producer that runs ahead waits
// instead of holding the whole input. A batch crosses as a whole vector (one lock and at most
// one wake-up per batch): what the producer wrote into the values happens before the consumer
// reads them.
//
// The consumer may give up (close): the producer's next push then returns false and the values
// it offered are dropped with the batch, so a producer never waits for a consumer that stopped.
//
// Thread-safe for one producer and one consumer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace customerdb::detail {

template <class T>
class batch_handoff {
 public:
  explicit batch_handoff(std::size_t depth) : depth_(depth) {}

  // Producer: hands `batch` over, waiting while `depth` batches wait. Returns false, dropping
  // the batch, once the consumer closed.
  bool push(std::vector<T>&& batch) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return closed_ || waiting_.size() < depth_; });
    if (closed_) return false;
    waiting_.push_back(std::move(batch));
    lock.unlock();
    ready_.notify_one();
    return true;
  }

  // Producer: no batch follows; the consumer's pop returns false once it took the last.
  void finish() {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    ready_.notify_one();
  }

  // Consumer: the next batch, into `out`; false once the producer finished and every batch was
  // taken.
  bool pop(std::vector<T>& out) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return finished_ || !waiting_.empty(); });
    if (waiting_.empty()) return false;
    out = std::move(waiting_.front());
    waiting_.pop_front();
    lock.unlock();
    room_.notify_one();
    return true;
  }

  // Consumer: takes no more batches; those waiting are dropped and push returns false.
  void close() {
    std::deque<std::vector<T>> dropped;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      dropped.swap(waiting_);
    }
    room_.notify_one();
  }

 private:
  const std::size_t depth_;
  std::mutex mutex_;
  std::condition_variable ready_;  // a batch waits, or the producer finished
  std::condition_variable room_;   // fewer than depth_ batches wait, or the consumer closed
  std::deque<std::vector<T>> waiting_;
  bool finished_ = false;
  bool closed_ = false;
};

}  // namespace customerdb::detail
