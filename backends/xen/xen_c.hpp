// libxenlight and libxlutil, included once for C++: their headers have no
// extern "C" guards, and libxl wants the API version pinned before inclusion.
#pragma once

#ifndef LIBXL_API_VERSION
#define LIBXL_API_VERSION 0x041300
#endif

extern "C" {
#include <libxl.h>
#include <libxl_utils.h>
#include <libxlutil.h>
}
