/* bench_capi._core: a small CPython C-API module for the benchmark. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *core_add(PyObject *self, PyObject *args) {
    long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "LL:add", &a, &b))
        return NULL;
    return PyLong_FromLongLong(a + b);
}

static PyObject *core_sum(PyObject *self, PyObject *seq) {
    PyObject *it, *item, *total;
    (void)self;
    it = PyObject_GetIter(seq);
    if (it == NULL)
        return NULL;
    total = PyLong_FromLong(0);
    while (total != NULL && (item = PyIter_Next(it)) != NULL) {
        PyObject *next = PyNumber_Add(total, item);
        Py_DECREF(item);
        Py_DECREF(total);
        total = next;
    }
    Py_DECREF(it);
    if (total != NULL && PyErr_Occurred()) {
        Py_DECREF(total);
        return NULL;
    }
    return total;
}

static PyMethodDef core_methods[] = {
    {"add", core_add, METH_VARARGS, "add(a, b) -> int"},
    {"total", core_sum, METH_O, "total(iterable) -> number"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core", "Benchmark C-API module.", -1, core_methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&core_module); }
