#ifndef COPY_NATIVE_EXAMPLE_SQUARES_H
#define COPY_NATIVE_EXAMPLE_SQUARES_H

#define CNE_TABLE_SIZE 16

/* Defined in the generated squares_table.c */
extern const long long cne_squares[CNE_TABLE_SIZE];
extern const char cne_generated_on[];

#endif
