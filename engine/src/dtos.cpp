#include "dtos.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "error_messages.hpp"
#include "load_paths.hpp"

namespace customerdb::detail {
namespace {

// Adds the dotted relation `path` under `nodes`, the relations of `Row` items held in a list
// of a `container` row (none at the top). A relation back to the container's type is not added
// (decision D22). REQUIRES: `path` is known (unknown_in_relation_path).
template <class Row>
void add_relation(std::vector<relation_node>& nodes, std::string_view path,
                  std::optional<entity> container) {
  const auto dot = path.find('.');
  const auto* rel = schema_of<Row>().relation(path.substr(0, dot));
  std::vector<relation_node> dropped;
  auto* level = rel->target == container ? &dropped : &nodes;
  auto it = std::find_if(level->begin(), level->end(),
                         [&](const relation_node& n) { return n.relation == rel; });
  if (it == level->end()) {
    level->push_back({rel, {}});
    it = std::prev(level->end());
  }
  if (dot == std::string_view::npos) return;
  const auto rest = path.substr(dot + 1);
  auto& children = it->children;
  with_entity(rel->target, [&](auto target) {
    add_relation<typename decltype(target)::type>(children, rest, entity_of<Row>());
  });
}

// The node of `kind` among `nodes` (a const or mutable vector), or null.
template <class Nodes>
auto find_relation(Nodes& nodes, relation_kind kind) -> decltype(&nodes.front()) {
  for (auto& n : nodes)
    if (n.relation->kind == kind) return &n;
  return nullptr;
}

void add_field(std::vector<std::string>& fields, std::string_view field) {
  if (std::find(fields.begin(), fields.end(), field) == fields.end()) fields.emplace_back(field);
}

// Applies the checked select path "relation.field" (or deeper) of `Row` items whose selected
// fields are `fields`: the relation, when loaded (`nodes`), keeps only `id`, its link key and
// the fields named; a to-one relation also selects the row's foreign key (decision D23).
template <class Row>
void narrow(std::vector<relation_node>& nodes, std::vector<std::string>& fields,
            std::string_view path) {
  const auto dot = path.find('.');
  const auto* rel = schema_of<Row>().relation(path.substr(0, dot));
  if (!rel->foreign_key.empty()) add_field(fields, rel->foreign_key);
  auto* node = find_relation(nodes, rel->kind);
  if (!node) return;  // a dotted path alone does not load the relation
  std::vector<std::string> item_fields{"id"};
  if (node->selection) {
    item_fields = node->selection->fields();
  } else if (!rel->link_key.empty()) {
    item_fields.emplace_back(rel->link_key);
  }
  const auto rest = path.substr(dot + 1);
  if (rest.find('.') == std::string_view::npos) {
    add_field(item_fields, rest);
  } else {
    with_entity(rel->target, [&](auto target) {
      narrow<typename decltype(target)::type>(node->children, item_fields, rest);
    });
  }
  node->selection = std::make_shared<const field_selection>(std::move(item_fields));
}

// The plan of the items of a loaded relation.
load_plan nested_plan(const relation_node& node, const load_plan& outer) {
  return load_plan{node.selection, node.children, outer.with_deleted, outer.budget};
}

template <class Target, class Row>
std::optional<std::vector<dto_t<Target>>> load_many(const Row& row, const view& v,
                                                    const load_plan& plan, relation_kind kind) {
  const auto* node = find_relation(plan.relations, kind);
  if (!node) return std::nullopt;
  return to_dtos(related<Target>(kind, row, v, plan.with_deleted), v, nested_plan(*node, plan));
}

// A to-one relation: loaded when asked for and its foreign key is selected (decision D22);
// null when the related row is hidden.
template <class Target, class Row, class Dto>
to_one<dto_t<Target>> load_one(const Row& row, const Dto& d, const view& v, const load_plan& plan,
                               relation_kind kind) {
  const auto* node = find_relation(plan.relations, kind);
  if (!node || !d.has_field(node->relation->foreign_key)) return {};
  auto rows = related<Target>(kind, row, v, plan.with_deleted);
  if (rows.empty()) return to_one<dto_t<Target>>::loaded_as(nullptr);
  if (plan.budget) plan.budget->take(1);
  return to_one<dto_t<Target>>::loaded_as(
      std::make_shared<const dto_t<Target>>(to_dto(*rows.front(), v, nested_plan(*node, plan))));
}

// A column's value as the DTO holds it.
template <class T>
const T& dto_value(const T& column) noexcept {
  return column;
}
std::optional<std::string> dto_value(const packed_optional& column) { return column.copy(); }
std::string dto_value(const packed_string& column) { return column.str(); }
std::optional<metadata> dto_value(const packed_metadata& column) { return column.copy(); }

// Copies the stored columns of `r` that the DTO's selection keeps into `d`, but for the id
// (always there, set by the caller) and the column named `elsewhere` (the caller's too).
template <class Row, class Dto>
void copy_columns(const Row& r, Dto& d, std::string_view elsewhere = {}) {
  customerdb::for_each_column<typename Row::columns>([&](const auto& column) {
    using column_type = std::remove_cvref_t<decltype(column)>;
    if constexpr (column_type::stored && !column_type::template is<column_kind::id>) {
      if (column.name != elsewhere && d.has_field(column.name))
        column.member(d) = dto_value(column.member(r));
    }
  });
}

}  // namespace

template <class Row>
load_plan make_load_plan(const find_config& config, bool with_deleted) {
  const auto& s = schema_of<Row>();
  load_plan plan;
  plan.with_deleted = with_deleted;
  for (const auto& path : config.relations) {
    if (const auto unknown = unknown_in_relation_path<Row>(path))
      throw unknown_relation(unknown->model, unknown->name);
    add_relation<Row>(plan.relations, path, std::nullopt);
  }
  if (config.select.empty()) return plan;
  std::vector<std::string> fields{"id"};
  for (const auto& path : config.select) {
    if (const auto unknown = unknown_in_select_path<Row>(path))
      throw unknown_field(unknown->model, unknown->name);
    if (s.relation(path)) {
      add_relation<Row>(plan.relations, path, std::nullopt);  // selecting a relation loads it
    } else if (path.find('.') == std::string::npos) {
      add_field(fields, path);
    }
  }
  for (const auto& path : config.select)
    if (path.find('.') != std::string::npos) narrow<Row>(plan.relations, fields, path);
  plan.selection = std::make_shared<const field_selection>(std::move(fields));
  return plan;
}

template load_plan make_load_plan<customer_row>(const find_config&, bool);
template load_plan make_load_plan<group_row>(const find_config&, bool);
template load_plan make_load_plan<address_row>(const find_config&, bool);
template load_plan make_load_plan<membership_row>(const find_config&, bool);

namespace {

// A customer's DTO; with its slot `s` (may be null), the id, e-mail and default address ids
// come from the slot.
customer customer_dto(const customer_row& r, const slot<customer_row>* s, const view& v,
                      const load_plan& plan) {
  // What the slot holds first: the row's lines, prefetched by whoever found the slot (the id
  // index, an index lookup, to_dtos), arrive meanwhile.
  customer d;
  d.selection = plan.selection;
  d.id = s ? s->id.view() : std::string_view(r.id);
  const bool billing = d.has_field("default_billing_address_id");
  const bool shipping = d.has_field("default_shipping_address_id");
  // The default addresses' slots are fetched while the row's columns are copied.
  if (s && (billing || shipping)) prefetch_default_addresses(*s);
  copy_columns(r, d, "email");
  if (d.has_field("email") && r.email) d.email.emplace(s ? s->extra.email.view() : *r.email);
  if (billing || shipping) {
    const auto ids = s ? v.default_addresses_of(*s) : v.default_addresses_of(r.id);
    if (billing && !ids.billing.empty()) d.default_billing_address_id.emplace(ids.billing);
    if (shipping && !ids.shipping.empty()) d.default_shipping_address_id.emplace(ids.shipping);
  }
  d.groups = load_many<group_row>(r, v, plan, relation_kind::customer_groups);
  d.addresses = load_many<address_row>(r, v, plan, relation_kind::customer_addresses);
  return d;
}

// The relations of a DTO, those the plan loads.
void load_relations(const group_row& r, customer_group& d, const view& v, const load_plan& plan) {
  d.customers = load_many<customer_row>(r, v, plan, relation_kind::group_customers);
}
void load_relations(const address_row& r, customer_address& d, const view& v,
                    const load_plan& plan) {
  d.customer = load_one<customer_row>(r, d, v, plan, relation_kind::address_customer);
}
void load_relations(const membership_row& r, customer_group_customer& d, const view& v,
                    const load_plan& plan) {
  d.customer = load_one<customer_row>(r, d, v, plan, relation_kind::membership_customer);
  d.customer_group = load_one<group_row>(r, d, v, plan, relation_kind::membership_group);
}

}  // namespace

template <class Row>
dto_t<Row> to_dto(const Row& r, const view& v, const load_plan& plan) {
  if constexpr (std::is_same_v<Row, customer_row>) {
    return customer_dto(r, nullptr, v, plan);
  } else {
    dto_t<Row> d;
    d.selection = plan.selection;
    d.id = r.id;
    copy_columns(r, d);
    load_relations(r, d, v, plan);
    return d;
  }
}

template customer to_dto(const customer_row&, const view&, const load_plan&);
template customer_group to_dto(const group_row&, const view&, const load_plan&);
template customer_address to_dto(const address_row&, const view&, const load_plan&);
template customer_group_customer to_dto(const membership_row&, const view&, const load_plan&);

customer to_dto(const slot<customer_row>& s, const view& v, const load_plan& plan) {
  return customer_dto(*s, &s, v, plan);
}

}  // namespace customerdb::detail

namespace customerdb {

field_selection::field_selection(std::vector<std::string> fields) : fields_(std::move(fields)) {}

bool field_selection::contains(std::string_view field) const noexcept {
  return std::find(fields_.begin(), fields_.end(), field) != fields_.end();
}

}  // namespace customerdb
