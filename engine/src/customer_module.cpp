#include "customerdb/customer_module.hpp"

#include "engine.hpp"

namespace customerdb {

customer_module::customer_module() : customer_module(module_options{}) {}

customer_module::customer_module(module_options options)
    : engine_(std::make_unique<detail::engine>(std::move(options))) {}

customer_module::~customer_module() = default;

}  // namespace customerdb
