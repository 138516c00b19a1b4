// pybind11 extension module: pybind11_example._core
#include <pybind11/pybind11.h>

#include <string>

namespace py = pybind11;

namespace {

long long add(long long a, long long b) { return a + b; }
double mul(double a, double b) { return a * b; }

// A tiny accumulator, to show a bound class.
class Counter {
  public:
    explicit Counter(long long start = 0) : value_(start) {}
    long long increment(long long step = 1) { return value_ += step; }
    long long value() const { return value_; }
    void reset() { value_ = 0; }

  private:
    long long value_;
};

} // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "pybind11 example extension module";
    m.def("add", &add, py::arg("a"), py::arg("b"), "Add two integers.");
    m.def("mul", &mul, py::arg("a"), py::arg("b"), "Multiply two numbers.");
    py::class_<Counter>(m, "Counter")
        .def(py::init<long long>(), py::arg("start") = 0)
        .def("increment", &Counter::increment, py::arg("step") = 1)
        .def("reset", &Counter::reset)
        .def_property_readonly("value", &Counter::value)
        .def("__repr__", [](const Counter &c) {
            return "Counter(" + std::to_string(c.value()) + ")";
        });
}
