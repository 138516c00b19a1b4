#ifndef SCRIPTS_DATA_EXAMPLE_H
#define SCRIPTS_DATA_EXAMPLE_H

/* Installed into the wheel's .data/headers folder. */
#define SCRIPTS_DATA_EXAMPLE_GREETING "Hello from hello-cw!"

#endif
