#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include "component_example.h"

static PyObject *triple(PyObject *self, PyObject *arg) {
    long x = PyLong_AsLong(arg);
    if (x == -1 && PyErr_Occurred()) return NULL;
    return PyLong_FromLong(component_example_triple(x));
}

static PyMethodDef methods[] = {
    {"triple", triple, METH_O, "Three times x."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", NULL, -1, methods};

PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&module); }
