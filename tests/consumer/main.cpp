// Creates a customer through the installed library and reads it back.
#include <customerdb/customerdb.hpp>

int main() {
  customerdb::customer_module db;
  const auto c = db.create({.email = "consumer@example.com"});
  return db.retrieve(c.id).email == "consumer@example.com" ? 0 : 1;
}
