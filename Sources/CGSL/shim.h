// GSL's own CBLAS declarations; the symbols resolve to OpenBLAS at link time
// (OpenBLAS's cblas.h clashes with GSL's, so only GSL's headers are included).
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_fft_real_float.h>
#include <gsl/gsl_fft_halfcomplex_float.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>

// OpenBLAS's own controls (its cblas.h is not included: it clashes with GSL's declarations).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
