// The table of live connections of the HTTP transport (http_shared_state.hpp).
#include "http_shared_state.hpp"

namespace customerdb::server::detail {

http_shared_state::admission http_shared_state::admit(const std::shared_ptr<http_connection>& c,
                                                      const std::shared_ptr<connection_activity>& a,
                                                      std::weak_ptr<http_connection>& evict) {
  std::lock_guard lock(mutex);
  if (stopping.load()) return admission::stopping;
  if (connections.size() - evicting >= max_connections) {
    entry* oldest = nullptr;
    for (auto& [key, e] : connections) {
      if (e.a->evicting || !e.a->waiting.load()) continue;
      if (!oldest || e.a->since.load() < oldest->a->since.load()) oldest = &e;
    }
    if (!oldest) return admission::refused;
    oldest->a->evicting = true;
    ++evicting;
    evict = oldest->c;
  }
  connections.emplace(c.get(), entry{c, a});
  return admission::admitted;
}

void http_shared_state::keep(connection_activity& a) {
  std::lock_guard lock(mutex);
  if (a.evicting) {
    a.evicting = false;
    --evicting;
  }
}

void http_shared_state::remove(const http_connection* c) {
  std::lock_guard lock(mutex);
  const auto it = connections.find(c);
  if (it == connections.end()) return;
  if (it->second.a->evicting) --evicting;
  connections.erase(it);
}

std::size_t http_shared_state::live_connections() {
  std::lock_guard lock(mutex);
  return connections.size();
}

std::vector<std::weak_ptr<http_connection>> http_shared_state::all_connections() {
  std::lock_guard lock(mutex);
  std::vector<std::weak_ptr<http_connection>> out;
  out.reserve(connections.size());
  for (const auto& [key, e] : connections) out.push_back(e.c);
  return out;
}

}  // namespace customerdb::server::detail
