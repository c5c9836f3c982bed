// parse_request: Boost.JSON's basic_parser with a handler that builds the value as json::parse
// does (a value_stack) and notes where each request's numeric id is in the text.
#include "request_parser.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <cstdint>
#include <string>

namespace customerdb::server::detail {

namespace json = boost::json;

namespace {

class handler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  // `temp` is scratch memory for the value under construction, as json::parse gives its own.
  handler(parsed_request& out, unsigned char* temp, std::size_t temp_size)
      : stack_(json::storage_ptr(), temp, temp_size), out_(out) {}

  json::value release() { return stack_.release(); }

  bool on_document_begin(json::error_code&) {
    stack_.reset();
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code&) { return open(); }
  bool on_object_end(std::size_t n, json::error_code&) {
    --depth_;
    stack_.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) {
    if (depth_ == 0) batch_ = true;
    return open();
  }
  bool on_array_end(std::size_t n, json::error_code&) {
    --depth_;
    stack_.push_array(n);
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (in_request()) key_.append(s.data(), s.size());
    stack_.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (in_request()) {
      key_.append(s.data(), s.size());
      if (key_ == "id") {
        id_next_ = true;
        text_for(request_) = {};  // a later "id" replaces an earlier one
      }
      key_.clear();
    }
    stack_.push_key(s);
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (!in_string_) {
      begin_value();
      in_string_ = true;
    }
    stack_.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    if (!in_string_) begin_value();
    in_string_ = false;
    stack_.push_string(s);
    return true;
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    if (!number_start_) number_start_ = s.data();
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view s, json::error_code&) {
    number(s);
    stack_.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view s, json::error_code&) {
    number(s);
    stack_.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code&) {
    number(s);
    stack_.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    begin_value();
    stack_.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    begin_value();
    stack_.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // An object or array begins.
  bool open() {
    begin_value();
    ++depth_;
    return true;
  }

  // Whether the object being read is a request: the top-level object, or a batch element.
  bool in_request() const { return depth_ == (batch_ ? 2u : 1u); }

  // Every value starts here, but for the parts of a number (see number()). Counts the batch's
  // elements, and ends the wait for an id's value: one that is not a number is not noted.
  void begin_value() {
    if (batch_ && depth_ == 1) request_ = elements_++;
    id_next_ = false;
  }

  // The last part `s` of a number; the text sent for it runs from its first part to the end of
  // `s` (one buffer: parse_request writes the whole text at once).
  void number(json::string_view s) {
    const char* start = number_start_ ? number_start_ : s.data();
    number_start_ = nullptr;
    const bool is_id = id_next_;
    begin_value();
    if (is_id) {
      text_for(request_) =
          std::string_view(start, static_cast<std::size_t>(s.data() + s.size() - start));
    }
  }

  std::string_view& text_for(std::size_t request) {
    if (!batch_) return out_.request_id;
    if (out_.batch_ids.size() <= request) out_.batch_ids.resize(request + 1);
    return out_.batch_ids[request];
  }

  json::value_stack stack_;
  parsed_request& out_;                 // where the ids go
  std::size_t depth_ = 0;               // containers open
  bool batch_ = false;                  // the text is an array
  std::size_t elements_ = 0;            // batch elements begun
  std::size_t request_ = 0;             // the request whose members are being read
  bool id_next_ = false;                // the next value is the `id` of request_
  bool in_string_ = false;              // between a string's first part and its end
  const char* number_start_ = nullptr;  // the first part of a number split across parts
  std::string key_;                     // the parts of a key read so far
};

}  // namespace

parsed_request parse_request(std::string_view text, std::size_t max_depth, json::error_code& ec) {
  parsed_request out;
  json::parse_options options;
  options.max_depth = max_depth;
  unsigned char temp[BOOST_JSON_STACK_BUFFER_SIZE];
  json::basic_parser<handler> parser(options, out, temp, sizeof temp);
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) return {};
  out.value = parser.handler().release();
  return out;
}

}  // namespace customerdb::server::detail
