#include "dtos.hpp"

#include <algorithm>
#include <string>

#include "errors.hpp"

namespace customerdb::detail {
namespace {

// Adds the dotted relation `path` under `nodes`, checking each name against the entity at its
// level.
template <class Row>
void add_relation(std::vector<relation_node>& nodes, std::string_view path) {
  const auto& s = schema_of<Row>();
  const auto dot = path.find('.');
  const auto name = path.substr(0, dot);
  const auto* rel = s.relation(name);
  if (!rel) throw unknown_relation(s.model, name);
  auto it = std::find_if(nodes.begin(), nodes.end(),
                         [&](const relation_node& n) { return n.kind == rel->kind; });
  if (it == nodes.end()) {
    nodes.push_back({rel->kind, rel->target, {}});
    it = std::prev(nodes.end());
  }
  if (dot == std::string_view::npos) return;
  const auto rest = path.substr(dot + 1);
  auto& children = it->children;
  with_entity(rel->target, [&](auto target) {
    add_relation<typename decltype(target)::type>(children, rest);
  });
}

// Checks a dotted select path "relation.field" against the related entity.
template <class Row>
void check_select_path(std::string_view path) {
  const auto& s = schema_of<Row>();
  const auto dot = path.find('.');
  const auto name = path.substr(0, dot);
  if (dot == std::string_view::npos) {
    if (!s.field(name)) throw unknown_field(s.model, name);
    return;
  }
  const auto* rel = s.relation(name);
  if (!rel) throw unknown_field(s.model, name);
  with_entity(rel->target, [&](auto target) {
    check_select_path<typename decltype(target)::type>(path.substr(dot + 1));
  });
}

const relation_node* find_relation(const std::vector<relation_node>& nodes, relation_kind kind) {
  for (const auto& n : nodes)
    if (n.kind == kind) return &n;
  return nullptr;
}

// Nested DTOs carry every field.
load_plan nested_plan(const relation_node& node, bool with_deleted) {
  return load_plan{nullptr, node.children, with_deleted};
}

template <class Target, class Row>
std::optional<std::vector<dto_t<Target>>> load_many(const Row& row, const view& v,
                                                    const load_plan& plan, relation_kind kind) {
  const auto* node = find_relation(plan.relations, kind);
  if (!node) return std::nullopt;
  return to_dtos(related<Target>(kind, row, v, plan.with_deleted), v,
                 nested_plan(*node, plan.with_deleted));
}

template <class Target, class Row>
std::shared_ptr<const dto_t<Target>> load_one(const Row& row, const view& v,
                                              const load_plan& plan, relation_kind kind) {
  const auto* node = find_relation(plan.relations, kind);
  if (!node) return nullptr;
  auto rows = related<Target>(kind, row, v, plan.with_deleted);
  if (rows.empty()) return nullptr;
  return std::make_shared<const dto_t<Target>>(
      to_dto(*rows.front(), v, nested_plan(*node, plan.with_deleted)));
}

std::optional<std::string> cell_text(const cell& c) {
  if (const auto* s = std::get_if<std::string_view>(&c)) return std::string(*s);
  return std::nullopt;
}

}  // namespace

template <class Row>
load_plan make_load_plan(const find_config& config, bool with_deleted) {
  const auto& s = schema_of<Row>();
  load_plan plan;
  plan.with_deleted = with_deleted;
  for (const auto& path : config.relations) add_relation<Row>(plan.relations, path);
  if (!config.select.empty()) {
    std::vector<std::string> fields{"id"};
    for (const auto& path : config.select) {
      if (s.relation(path)) {
        add_relation<Row>(plan.relations, path);  // selecting a relation loads it
        continue;
      }
      check_select_path<Row>(path);
      if (path.find('.') == std::string::npos &&
          std::find(fields.begin(), fields.end(), path) == fields.end())
        fields.push_back(path);
    }
    plan.selection = std::make_shared<const field_selection>(std::move(fields));
  }
  return plan;
}

template load_plan make_load_plan<customer_row>(const find_config&, bool);
template load_plan make_load_plan<group_row>(const find_config&, bool);
template load_plan make_load_plan<address_row>(const find_config&, bool);
template load_plan make_load_plan<membership_row>(const find_config&, bool);

template <>
customer to_dto(const customer_row& r, const view& v, const load_plan& plan) {
  customer d;
  d.selection = plan.selection;
  d.id = r.id;
  d.company_name = r.company_name;
  d.first_name = r.first_name;
  d.last_name = r.last_name;
  d.email = r.email;
  d.phone = r.phone;
  d.has_account = r.has_account;
  d.metadata = r.metadata;
  d.created_by = r.created_by;
  const auto& s = schema_of<customer_row>();
  if (d.has_field("default_billing_address_id"))
    d.default_billing_address_id = cell_text(s.field("default_billing_address_id")->get(r, v));
  if (d.has_field("default_shipping_address_id"))
    d.default_shipping_address_id = cell_text(s.field("default_shipping_address_id")->get(r, v));
  d.created_at = r.created_at;
  d.updated_at = r.updated_at;
  d.deleted_at = r.deleted_at;
  d.groups = load_many<group_row>(r, v, plan, relation_kind::customer_groups);
  d.addresses = load_many<address_row>(r, v, plan, relation_kind::customer_addresses);
  return d;
}

template <>
customer_group to_dto(const group_row& r, const view& v, const load_plan& plan) {
  customer_group d;
  d.selection = plan.selection;
  d.id = r.id;
  d.name = r.name;
  d.metadata = r.metadata;
  d.created_by = r.created_by;
  d.created_at = r.created_at;
  d.updated_at = r.updated_at;
  d.deleted_at = r.deleted_at;
  d.customers = load_many<customer_row>(r, v, plan, relation_kind::group_customers);
  return d;
}

template <>
customer_address to_dto(const address_row& r, const view& v, const load_plan& plan) {
  customer_address d;
  d.selection = plan.selection;
  d.id = r.id;
  d.customer_id = r.customer_id;
  d.address_name = r.address_name;
  d.is_default_shipping = r.is_default_shipping;
  d.is_default_billing = r.is_default_billing;
  d.company = r.company;
  d.first_name = r.first_name;
  d.last_name = r.last_name;
  d.address_1 = r.address_1;
  d.address_2 = r.address_2;
  d.city = r.city;
  d.country_code = r.country_code;
  d.province = r.province;
  d.postal_code = r.postal_code;
  d.phone = r.phone;
  d.metadata = r.metadata;
  d.created_at = r.created_at;
  d.updated_at = r.updated_at;
  d.customer = load_one<customer_row>(r, v, plan, relation_kind::address_customer);
  return d;
}

template <>
customer_group_customer to_dto(const membership_row& r, const view& v, const load_plan& plan) {
  customer_group_customer d;
  d.selection = plan.selection;
  d.id = r.id;
  d.customer_id = r.customer_id;
  d.customer_group_id = r.customer_group_id;
  d.metadata = r.metadata;
  d.created_by = r.created_by;
  d.created_at = r.created_at;
  d.updated_at = r.updated_at;
  d.customer = load_one<customer_row>(r, v, plan, relation_kind::membership_customer);
  d.customer_group = load_one<group_row>(r, v, plan, relation_kind::membership_group);
  return d;
}

}  // namespace customerdb::detail

namespace customerdb {

field_selection::field_selection(std::vector<std::string> fields) : fields_(std::move(fields)) {}

bool field_selection::contains(std::string_view field) const noexcept {
  return std::find(fields_.begin(), fields_.end(), field) != fields_.end();
}

}  // namespace customerdb
