#ifndef COMPONENT_EXAMPLE_H
#define COMPONENT_EXAMPLE_H
/* Multiply by three: the one function of component_example's C API. */
static inline long component_example_triple(long x) { return 3 * x; }
#endif
