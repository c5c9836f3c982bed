// The one Boost.Test main shared by every suite (linked as a static library so that each
// suite compiles only its own cases).
#define BOOST_TEST_MODULE customerdb
#include <boost/test/unit_test.hpp>
