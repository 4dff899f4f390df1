/* A C target needs one source file; the target exists for its resources (see include/host_assets.h). */
#include "host_assets.h"
