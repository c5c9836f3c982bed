// The whole public C++ API of customerdb's engine.
#pragma once

#include "customerdb/customer_module.hpp"
#include "customerdb/customer_module_v2.hpp"
#include "customerdb/dto.hpp"
#include "customerdb/error.hpp"
#include "customerdb/filter.hpp"
#include "customerdb/find_config.hpp"
#include "customerdb/id_view.hpp"
#include "customerdb/inputs.hpp"
#include "customerdb/patch.hpp"
#include "customerdb/persistence_options.hpp"
#include "customerdb/query_limits.hpp"
#include "customerdb/records.hpp"
#include "customerdb/replicated_transaction.hpp"
#include "customerdb/timestamp.hpp"
