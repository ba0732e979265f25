/* plain.c: a C function in a plain shared library, the floor of the ABI
 * call benchmark. */
int plain_fn(int x);
int plain_fn(int x) { return x + 1; }
