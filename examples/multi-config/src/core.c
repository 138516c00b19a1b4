/* One source, two modules: _core (Release) and _core_d (Debug). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef MCE_MODULE_NAME
#define MCE_MODULE_NAME _core
#endif
#ifndef MCE_BUILD_CONFIG
#define MCE_BUILD_CONFIG "unknown"
#endif

#define MCE_CAT_(a, b) a##b
#define MCE_CAT(a, b) MCE_CAT_(a, b)
#define MCE_STR_(x) #x
#define MCE_STR(x) MCE_STR_(x)

static PyObject *core_build_config(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyUnicode_FromString(MCE_BUILD_CONFIG);
}

static PyObject *core_assertions_enabled(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
#ifdef NDEBUG
    Py_RETURN_FALSE;
#else
    Py_RETURN_TRUE;
#endif
}

static PyObject *core_add(PyObject *self, PyObject *args) {
    long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "LL:add", &a, &b))
        return NULL;
    return PyLong_FromLongLong(a + b);
}

static PyMethodDef core_methods[] = {
    {"add", core_add, METH_VARARGS, "add(a, b) -> int"},
    {"build_config", core_build_config, METH_NOARGS,
     "build_config() -> str\n\nCMake configuration this module was built in."},
    {"assertions_enabled", core_assertions_enabled, METH_NOARGS,
     "assertions_enabled() -> bool\n\nTrue unless NDEBUG was defined."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    MCE_STR(MCE_MODULE_NAME),
    "Multi-config example module.",
    -1,
    core_methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC MCE_CAT(PyInit_, MCE_MODULE_NAME)(void) {
    return PyModule_Create(&core_module);
}
