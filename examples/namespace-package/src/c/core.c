/* nspkg.sub._core: extension module inside a namespace package. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *core_mul(PyObject *self, PyObject *args) {
    long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "LL:mul", &a, &b))
        return NULL;
    return PyLong_FromLongLong(a * b);
}

static PyMethodDef core_methods[] = {
    {"mul", core_mul, METH_VARARGS, "mul(a, b) -> int\n\nReturn a * b."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "_core", "C extension of nspkg.sub.", -1,
    core_methods,          NULL,    NULL,                        NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&core_module); }
