/* copy_native_example._core: exposes a table computed by the `gen` program. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "squares.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#define CNE_ARCH "aarch64"
#elif defined(__x86_64__) || defined(_M_X64)
#define CNE_ARCH "x86_64"
#elif defined(__arm__) || defined(_M_ARM)
#define CNE_ARCH "arm"
#elif defined(__i386__) || defined(_M_IX86)
#define CNE_ARCH "x86"
#else
#define CNE_ARCH "unknown"
#endif

static PyObject *core_squares(PyObject *self, PyObject *unused) {
    PyObject *t;
    Py_ssize_t i;
    (void)self;
    (void)unused;
    t = PyTuple_New(CNE_TABLE_SIZE);
    if (t == NULL)
        return NULL;
    for (i = 0; i < CNE_TABLE_SIZE; ++i) {
        PyObject *v = PyLong_FromLongLong(cne_squares[i]);
        if (v == NULL) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}

static PyObject *core_square(PyObject *self, PyObject *args) {
    Py_ssize_t i;
    (void)self;
    if (!PyArg_ParseTuple(args, "n:square", &i))
        return NULL;
    if (i < 0 || i >= CNE_TABLE_SIZE) {
        PyErr_Format(PyExc_IndexError, "square(i) needs 0 <= i < %d", CNE_TABLE_SIZE);
        return NULL;
    }
    return PyLong_FromLongLong(cne_squares[i]);
}

static PyObject *core_generated_on(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyUnicode_FromString(cne_generated_on);
}

static PyObject *core_platform(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyUnicode_FromString(CNE_ARCH);
}

static PyMethodDef core_methods[] = {
    {"squares", core_squares, METH_NOARGS, "squares() -> tuple[int, ...]"},
    {"square", core_square, METH_VARARGS, "square(i) -> int"},
    {"generated_on", core_generated_on, METH_NOARGS,
     "generated_on() -> str\n\nArchitecture the generator ran on."},
    {"platform", core_platform, METH_NOARGS,
     "platform() -> str\n\nArchitecture this module was compiled for."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    "_core",
    "Lookup table generated at build time by a native program.",
    -1,
    core_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__core(void) {
    PyObject *m = PyModule_Create(&core_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "TABLE_SIZE", CNE_TABLE_SIZE) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
