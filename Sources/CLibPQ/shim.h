#ifndef LATCHKEY_CLIBPQ_SHIM_H
#define LATCHKEY_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>
#endif
