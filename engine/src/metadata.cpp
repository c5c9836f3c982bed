#include "metadata.hpp"

namespace customerdb::detail {

void deep_merge(customerdb::metadata& target, const customerdb::metadata& patch) {
  for (const auto& entry : patch) {
    auto* existing = target.if_contains(entry.key());
    if (existing && existing->is_object() && entry.value().is_object()) {
      deep_merge(existing->get_object(), entry.value().get_object());
    } else {
      target[entry.key()] = entry.value();
    }
  }
}

void shallow_merge(customerdb::metadata& target, const customerdb::metadata& patch) {
  for (const auto& entry : patch) {
    const auto* text = entry.value().if_string();
    if (text && text->empty()) {
      target.erase(entry.key());
    } else {
      target[entry.key()] = entry.value();
    }
  }
}

}  // namespace customerdb::detail
