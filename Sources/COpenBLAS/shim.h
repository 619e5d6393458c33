#include <cblas.h>
/* OpenBLAS' own call (cblas.h declares it); declared again in case another cblas.h is found. */
void openblas_set_num_threads(int num_threads);
char *openblas_get_config(void);
char *openblas_get_corename(void);
