#include <stdio.h>

#include "scripts_data_example.h"

int main(void) {
    puts(SCRIPTS_DATA_EXAMPLE_GREETING);
    return 0;
}
