// Sample values that the benchmarks build their stores from.
#pragma once

namespace customerdb::bench {

inline constexpr const char* first_names[] = {"John", "Jane", "Maria",  "Ahmed",
                                              "Li",   "Olga", "Pierre", "Aiko"};
inline constexpr const char* last_names[] = {"Smith", "Jensen",  "Garcia", "Khan",
                                             "Wang",  "Ivanova", "Dubois", "Sato"};
inline constexpr const char* cities[] = {"Copenhagen", "Berlin", "Madrid", "Lahore",
                                         "Shanghai",   "Moscow", "Paris",  "Osaka"};

}  // namespace customerdb::bench
