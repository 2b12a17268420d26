// The portable set: Body.h for the baseline of the machine that builds the package.
#define CK_WIDE 0
#define CK_TABLE conform_kernels_portable
#include "Body.h"
