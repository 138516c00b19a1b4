#include <pybind11/pybind11.h>
#include <string>
PYBIND11_MODULE(pb, m) {
    m.def("add", [](int a, int b) { return a + b; });
    m.def("greet", [](const std::string &s) { return "hi " + s; });
}
