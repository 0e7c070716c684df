/*
 * libmicrobe_main: a main() for bench executables, so that a file of BENCH() definitions is a
 * complete program.
 */
#include "microbe.h"

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
