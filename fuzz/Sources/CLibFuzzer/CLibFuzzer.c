// Declarations only: libFuzzer itself is linked with `-sanitize=fuzzer`.
#include "CLibFuzzer.h"
