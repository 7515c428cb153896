/* A stand-in bcryptprimitives.dll for Debian's wine 8.0, which lacks
 * ProcessPrng: Go 1.26 programs do not start without it. .ci/run builds it
 * with mingw-w64 and puts it into the wine prefix. It fills the buffer
 * from advapi32's RtlGenRandom (SystemFunction036). Test set-up only. */
#include <windows.h>
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    typedef BOOLEAN (WINAPI *gen_t)(PVOID, ULONG);
    static gen_t gen;
    if (!gen) gen = (gen_t)GetProcAddress(LoadLibraryA("advapi32.dll"), "SystemFunction036");
    while (len > 0) { ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len; if (!gen(data, n)) return FALSE; data += n; len -= n; }
    return TRUE;
}
