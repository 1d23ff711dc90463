#include <stddef.h>
#include <libstemmer.h>
