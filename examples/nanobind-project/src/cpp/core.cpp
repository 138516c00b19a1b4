// nanobind extension module: nanobind_example._core
#include <nanobind/nanobind.h>

namespace nb = nanobind;
using namespace nb::literals;

NB_MODULE(_core, m) {
    m.doc() = "nanobind example extension module";
    m.def("add", [](long long a, long long b) { return a + b; }, "a"_a, "b"_a,
          "Add two integers.");
}
