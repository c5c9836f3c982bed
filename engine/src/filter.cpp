#include "customerdb/filter.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <memory>
#include <string_view>
#include <utility>

#include "filter_node.hpp"

namespace customerdb {

using detail::filter_node;

namespace {

std::shared_ptr<const filter_node> all_node() {
  static const auto node = std::make_shared<const filter_node>();
  return node;
}

}  // namespace

json_literal::json_literal(boost::json::value document)
    : document_(std::make_shared<const boost::json::value>(std::move(document))) {}

filter::filter() : node_(all_node()) {}

filter::filter(std::shared_ptr<const filter_node> node) : node_(std::move(node)) {}

bool filter::is_all() const noexcept { return node_->k == filter_node::kind::all; }

filter filter::all_of(std::vector<filter> filters) {
  filter_node n;
  n.k = filter_node::kind::and_;
  n.children = std::move(filters);
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

filter filter::any_of(std::vector<filter> filters) {
  filter_node n;
  n.k = filter_node::kind::or_;
  n.children = std::move(filters);
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

filter operator&&(filter a, filter b) {
  if (a.is_all()) return b;
  if (b.is_all()) return a;
  filter_node n;
  n.k = filter_node::kind::and_;
  n.implicit = true;
  for (auto* f : {&a, &b}) {
    const auto& node = f->node();
    if (node.k == filter_node::kind::and_ && node.implicit) {
      n.children.insert(n.children.end(), node.children.begin(), node.children.end());
    } else {
      n.children.push_back(std::move(*f));
    }
  }
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

filter operator||(filter a, filter b) { return filter::any_of({std::move(a), std::move(b)}); }

filter operator!(filter a) {
  filter_node n;
  n.k = filter_node::kind::not_;
  n.children.push_back(std::move(a));
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

where::where(std::string field) : field_(std::move(field)) {}

filter where::compare(filter_op op, value v) const {
  filter_node n;
  n.k = filter_node::kind::condition;
  n.field = field_;
  n.op = op;
  n.operands.push_back(std::move(v));
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

filter where::compare(filter_op op, std::vector<value> values) const {
  filter_node n;
  n.k = filter_node::kind::condition;
  n.field = field_;
  n.op = op;
  n.list = true;
  n.operands = std::move(values);
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

filter where::operator==(value v) const { return compare(filter_op::eq, std::move(v)); }
filter where::operator!=(value v) const { return compare(filter_op::ne, std::move(v)); }
filter where::operator<(value v) const { return compare(filter_op::lt, std::move(v)); }
filter where::operator<=(value v) const { return compare(filter_op::lte, std::move(v)); }
filter where::operator>(value v) const { return compare(filter_op::gt, std::move(v)); }
filter where::operator>=(value v) const { return compare(filter_op::gte, std::move(v)); }
filter where::in(std::vector<value> values) const {
  return compare(filter_op::in, std::move(values));
}
filter where::not_in(std::vector<value> values) const {
  return compare(filter_op::nin, std::move(values));
}
filter where::is_null() const { return compare(filter_op::eq, nullptr); }
filter where::is_not_null() const { return compare(filter_op::ne, nullptr); }
filter where::like(std::string pattern) const {
  return compare(filter_op::like, std::move(pattern));
}
filter where::ilike(std::string pattern) const {
  return compare(filter_op::ilike, std::move(pattern));
}
filter where::matches_regex(std::string pattern) const {
  return compare(filter_op::re, std::move(pattern));
}
filter where::exists(bool present) const { return compare(filter_op::exists, present); }

filter where::matches(filter sub) const {
  filter_node n;
  n.k = filter_node::kind::nested;
  n.field = field_;
  n.children.push_back(std::move(sub));
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

filter search(std::string text) {
  filter_node n;
  n.k = filter_node::kind::search;
  n.text = std::move(text);
  return filter(std::make_shared<const filter_node>(std::move(n)));
}

}  // namespace customerdb

namespace customerdb::detail {

bool names(const filter_node& n, std::string_view field) {
  return (n.k == filter_node::kind::condition || n.k == filter_node::kind::nested) &&
         n.field == field;
}

bool names_anywhere(const filter_node& n, std::string_view field) {
  if (names(n, field)) return true;
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](const filter& c) { return names_anywhere(c.node(), field); });
}

}  // namespace customerdb::detail
