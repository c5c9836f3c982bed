// The operands of one `in` / `nin` condition, sorted once per query so that a value costs one
// binary search however long the list is: text operands, operands of one other kind (timestamps
// for columns, numbers for metadata keys), booleans, and whether the list holds null. Filled by
// the condition's compiler (predicate.cpp, metadata_filter.cpp), then sealed; immutable after.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

namespace customerdb::detail {

template <class Text, class Other>
class sorted_operands {
 public:
  void add_text(Text t) { texts_.push_back(std::move(t)); }
  void add_other(Other o) { others_.push_back(std::move(o)); }
  void add_bool(bool b) { (b ? has_true_ : has_false_) = true; }
  void add_null() { has_null_ = true; }
  // Sorts the operands; call once, after the last add.
  void seal() {
    std::sort(texts_.begin(), texts_.end());
    std::sort(others_.begin(), others_.end());
  }

  template <class T>
  bool has_text(const T& t) const {
    return std::binary_search(texts_.begin(), texts_.end(), t);
  }
  bool has_other(const Other& o) const {
    return std::binary_search(others_.begin(), others_.end(), o);
  }
  bool has_bool(bool b) const { return b ? has_true_ : has_false_; }
  // Whether the list holds null (SQL: x IN (.., NULL) is unknown when x matches nothing).
  const bool& has_null() const { return has_null_; }

 private:
  std::vector<Text> texts_;
  std::vector<Other> others_;
  bool has_true_ = false, has_false_ = false, has_null_ = false;
};

}  // namespace customerdb::detail
