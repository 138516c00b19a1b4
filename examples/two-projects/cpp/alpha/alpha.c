/* two_projects_example._alpha, built by the first CMake project. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *alpha_name(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyUnicode_FromString("alpha");
}

static PyObject *alpha_add(PyObject *self, PyObject *args) {
    long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "LL:add", &a, &b))
        return NULL;
    return PyLong_FromLongLong(a + b);
}

static PyMethodDef alpha_methods[] = {
    {"name", alpha_name, METH_NOARGS, "name() -> str"},
    {"add", alpha_add, METH_VARARGS, "add(a, b) -> int"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef alpha_module = {
    PyModuleDef_HEAD_INIT, "_alpha", "First CMake project's module.", -1,
    alpha_methods,         NULL,     NULL,                             NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__alpha(void) { return PyModule_Create(&alpha_module); }
