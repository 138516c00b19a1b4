/* Plain CPython C-API extension module: c_api_example._core */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Architecture of the machine this module was compiled for (the target when
   cross-compiling), decided by the compiler's predefined macros. */
#if defined(__aarch64__) || defined(_M_ARM64)
#define CW_TARGET_ARCH "aarch64"
#elif defined(__x86_64__) || defined(_M_X64)
#define CW_TARGET_ARCH "x86_64"
#elif defined(__arm__) || defined(_M_ARM)
#define CW_TARGET_ARCH "arm"
#elif defined(__i386__) || defined(_M_IX86)
#define CW_TARGET_ARCH "x86"
#elif defined(__riscv) && (__riscv_xlen == 64)
#define CW_TARGET_ARCH "riscv64"
#elif defined(__powerpc64__)
#define CW_TARGET_ARCH "ppc64"
#elif defined(__s390x__)
#define CW_TARGET_ARCH "s390x"
#else
#define CW_TARGET_ARCH "unknown"
#endif

#ifndef C_API_EXAMPLE_VERSION
#define C_API_EXAMPLE_VERSION "unknown"
#endif

static PyObject *core_add(PyObject *self, PyObject *args) {
    long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "LL:add", &a, &b))
        return NULL;
    return PyLong_FromLongLong(a + b);
}

static PyObject *core_platform(PyObject *self, PyObject *unused) {
    (void)self;
    (void)unused;
    return PyUnicode_FromString(CW_TARGET_ARCH);
}

static PyMethodDef core_methods[] = {
    {"add", core_add, METH_VARARGS, "add(a, b) -> int\n\nReturn a + b."},
    {"platform", core_platform, METH_NOARGS,
     "platform() -> str\n\nArchitecture the module was compiled for."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    "_core",
    "Example extension module written against the CPython C API.",
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
    if (PyModule_AddStringConstant(m, "__version__", C_API_EXAMPLE_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
