#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <string>
NB_MODULE(nb, m) {
    m.def("add", [](int a, int b) { return a + b; });
    m.def("greet", [](const std::string &s) { return "hi " + s; });
}
