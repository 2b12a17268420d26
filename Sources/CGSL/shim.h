// GSL's own CBLAS declarations; the symbols resolve to OpenBLAS at link time
// (OpenBLAS's cblas.h clashes with GSL's, so only GSL's headers are included).
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_fft_real_float.h>
#include <gsl/gsl_fft_halfcomplex_float.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>
