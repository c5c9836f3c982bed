// Medians and ratios of a figure (figure.hpp).
#include "figure.hpp"

#include <cmath>

#include "../measure.hpp"

namespace customerdb::peers {

double median_value(const figure& f, const std::string& peer) {
  const auto it = f.values.find(peer);
  if (it == f.values.end() || it->second.empty()) return std::nan("");
  return customerdb::bench::median(it->second);
}

double median_ratio(const figure& f, const std::string& peer) {
  const auto it = f.ratios.find(peer);
  if (it == f.ratios.end() || it->second.empty()) return std::nan("");
  return customerdb::bench::median(it->second);
}

void add_ratios(figure& f, const std::string& reference_name) {
  const auto found = f.values.find(reference_name);
  if (found == f.values.end()) return;
  const auto& reference = found->second;
  for (const auto& [name, values] : f.values) {
    if (name == reference_name) continue;
    auto& ratios = f.ratios[name];
    ratios.clear();
    for (std::size_t r = 0; r < values.size() && r < reference.size(); ++r)
      ratios.push_back(f.lower_is_better ? values[r] / reference[r] : reference[r] / values[r]);
  }
}

}  // namespace customerdb::peers
