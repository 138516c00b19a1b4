/* two_projects_example._beta, built by the second CMake project. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef BETA_FACTOR
#define BETA_FACTOR 1
#endif

static PyObject *beta_name(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyUnicode_FromString("beta");
}

static PyObject *beta_scale(PyObject *self, PyObject *args) {
    long long x;
    (void)self;
    if (!PyArg_ParseTuple(args, "L:scale", &x))
        return NULL;
    return PyLong_FromLongLong(x * (long long)(BETA_FACTOR));
}

static PyMethodDef beta_methods[] = {
    {"name", beta_name, METH_NOARGS, "name() -> str"},
    {"scale", beta_scale, METH_VARARGS, "scale(x) -> int\n\nReturn x * BETA_FACTOR."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef beta_module = {
    PyModuleDef_HEAD_INIT, "_beta", "Second CMake project's module.", -1,
    beta_methods,          NULL,    NULL,                              NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__beta(void) {
    PyObject *m = PyModule_Create(&beta_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "FACTOR", (long)(BETA_FACTOR)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
