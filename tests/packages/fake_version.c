/* fake_version.c: a stand-in library that reports another version than the
 * real libmailwire it links to (FAKE_VERSION, FAKE_NUMBER) and passes every
 * other function through to it, for the tests of the bindings' load-time
 * version checks (loaded by path, or put in front with LD_PRELOAD). */
#include "mailwire.h"

MW_API const char *MW_CALL mw_version(void) { return FAKE_VERSION; }
MW_API int MW_CALL mw_version_number(void) { return FAKE_NUMBER; }
