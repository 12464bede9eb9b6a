// libxl and libxlutil headers lack extern "C" guards, and libxl wants its API
// version pinned before inclusion. Include them only through this file.
#pragma once

#ifndef LIBXL_API_VERSION
#define LIBXL_API_VERSION 0x041300
#endif

extern "C" {
#include <libxl.h>
#include <libxlutil.h>
}
