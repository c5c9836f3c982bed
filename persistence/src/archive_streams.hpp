// The stream buffers under persistence's archives: one that hands full buffers of output to a
// callback, one that appends to a string, and one that reads from bytes in memory.
// Thread-compatible.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <streambuf>
#include <string>
#include <string_view>

namespace customerdb::persistence {

// Collects output and passes it on in pieces of `capacity` bytes, and the rest on flush(). An
// exception thrown by the callback propagates out of the write that filled the buffer.
class sink_buffer : public std::streambuf {
 public:
  using sink = std::function<void(std::string_view)>;

  explicit sink_buffer(sink out, std::size_t capacity = std::size_t{1} << 20)
      : out_(std::move(out)), buffer_(capacity, '\0') {
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  // Passes on everything written so far.
  void flush() {
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    if (n > 0) out_(std::string_view(pbase(), n));
    written_ += n;
    setp(buffer_.data(), buffer_.data() + buffer_.size());
  }

  // Bytes written, flushed or not.
  std::size_t written() const noexcept {
    return written_ + static_cast<std::size_t>(pptr() - pbase());
  }

 protected:
  int_type overflow(int_type ch) override {
    flush();
    if (!traits_type::eq_int_type(ch, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(ch);
      pbump(1);
    }
    return traits_type::not_eof(ch);
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n) {
      if (pptr() == epptr()) flush();
      const auto room = static_cast<std::streamsize>(epptr() - pptr());
      const auto part = std::min(room, n - done);
      traits_type::copy(pptr(), s + done, static_cast<std::size_t>(part));
      pbump(static_cast<int>(part));
      done += part;
    }
    return n;
  }

  // Archives sync their stream buffer in their destructors, where a failure cannot be
  // reported: output is passed on only by overflow and flush().
  int sync() override { return 0; }

 private:
  sink out_;
  std::string buffer_;
  std::size_t written_ = 0;
};

// Appends everything written to a string it owns.
class string_buffer : public std::streambuf {
 public:
  explicit string_buffer(std::string initial = {}) : bytes_(std::move(initial)) {}
  std::string& bytes() noexcept { return bytes_; }

 protected:
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof()))
      bytes_.push_back(traits_type::to_char_type(ch));
    return traits_type::not_eof(ch);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    bytes_.append(s, static_cast<std::size_t>(n));
    return n;
  }

 private:
  std::string bytes_;
};

// Reads `bytes` (not owned).
class memory_buffer : public std::streambuf {
 public:
  explicit memory_buffer(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // never written through
    setg(p, p, p + bytes.size());
  }

  // Bytes not read yet.
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(egptr() - gptr()); }

 protected:
  // Archives read each field through here: one copy, without the general loop that refills
  // the buffer (all of it is in memory).
  std::streamsize xsgetn(char* out, std::streamsize n) override {
    const auto part = std::min(n, static_cast<std::streamsize>(egptr() - gptr()));
    traits_type::copy(out, gptr(), static_cast<std::size_t>(part));
    setg(eback(), gptr() + part, egptr());  // gbump takes an int; a section can be larger
    return part;
  }
};

}  // namespace customerdb::persistence
