// bench_pybind11._core: a small pybind11 module for the benchmark.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <numeric>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

class Accumulator {
  public:
    explicit Accumulator(double start = 0) : value_(start) {}
    double add(double x) { return value_ += x; }
    double value() const { return value_; }

  private:
    double value_;
};

double total(const std::vector<double> &xs) { return std::accumulate(xs.begin(), xs.end(), 0.0); }

} // namespace

PYBIND11_MODULE(_core, m) {
    m.doc() = "Benchmark pybind11 module";
    m.def("add", [](long long a, long long b) { return a + b; }, py::arg("a"), py::arg("b"));
    m.def("total", &total, py::arg("xs"));
    py::class_<Accumulator>(m, "Accumulator")
        .def(py::init<double>(), py::arg("start") = 0.0)
        .def("add", &Accumulator::add)
        .def_property_readonly("value", &Accumulator::value)
        .def("__repr__", [](const Accumulator &a) {
            return "Accumulator(" + std::to_string(a.value()) + ")";
        });
}
