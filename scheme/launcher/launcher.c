/*
 * pkginstall's Windows launcher: one copy of this program, followed by a
 * trailer, is each console or GUI script in a target's Scripts\ directory.
 *
 * The trailer (written by scheme.WindowsLauncher) is appended after the PE
 * image:
 *
 *     INTERPRETER \0 SCRIPT \0 <uint32 little-endian length of both> "PKGLNCH1"
 *
 * INTERPRETER is the absolute path of the python.exe (pythonw.exe for GUI
 * scripts) recorded at install time; SCRIPT is a file name in the
 * launcher's own directory (tool-script.py), found from the launcher's
 * real location, so the project folder can be moved. Both are UTF-8.
 *
 * The launcher runs  "INTERPRETER" "DIR\SCRIPT" REST  where REST is the
 * launcher's own command line after its program name, byte for byte (so
 * spaces and quotes reach Python exactly as typed), waits, and exits with
 * the child's exit code. Ctrl-C and Ctrl-Break are left to the child (the
 * launcher ignores them; no "Terminate batch job" prompt). A job object
 * ends the child if the launcher is killed. Errors of the launcher itself
 * go to stderr, exit status 127.
 *
 * Built without the C runtime (-nostdlib, kernel32 only), so each copy is
 * a few KB. Compiled twice: -mconsole and -mwindows (GUI subsystem).
 */
#include <windows.h>

static const char MAGIC[8] = {'P', 'K', 'G', 'L', 'N', 'C', 'H', '1'};
#define MAX_TRAILER 65536

static void fail(const char *msg, const WCHAR *arg)
{
    HANDLE h = GetStdHandle(STD_ERROR_HANDLE);
    if (h != NULL && h != INVALID_HANDLE_VALUE) {
        char buf[2048];
        DWORD n = 0, w;
        const char *pre = "error: pkginstall launcher: ";
        while (*pre && n < sizeof buf) buf[n++] = *pre++;
        while (*msg && n < sizeof buf) buf[n++] = *msg++;
        if (arg != NULL && n < sizeof buf - 2) {
            buf[n++] = ':';
            buf[n++] = ' ';
            n += WideCharToMultiByte(CP_UTF8, 0, arg, -1, buf + n, sizeof buf - n - 2, NULL, NULL);
            if (n > 0 && buf[n - 1] == 0) n--;
        }
        if (n < sizeof buf) buf[n++] = '\n';
        WriteFile(h, buf, n, &w, NULL);
    }
    ExitProcess(127);
}

static void *alloc(SIZE_T n)
{
    void *p = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, n);
    if (p == NULL) fail("out of memory", NULL);
    return p;
}

static SIZE_T wlen(const WCHAR *s)
{
    SIZE_T n = 0;
    while (s[n]) n++;
    return n;
}

/* ownPath returns the full path of this executable (any length). */
static WCHAR *ownPath(void)
{
    DWORD size = MAX_PATH;
    for (;;) {
        WCHAR *p = alloc(size * sizeof(WCHAR));
        DWORD n = GetModuleFileNameW(NULL, p, size);
        if (n == 0) fail("cannot find its own path", NULL);
        if (n < size) return p;
        HeapFree(GetProcessHeap(), 0, p);
        size *= 2;
        if (size > 32768 * 2) fail("its own path is too long", NULL);
    }
}

/* utf16 converts n bytes of UTF-8 (no NUL inside) to a new wide string. */
static WCHAR *utf16(const char *s, int n)
{
    int m = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, n, NULL, 0);
    if (m <= 0) fail("the launcher's trailer is not UTF-8", NULL);
    WCHAR *w = alloc((m + 1) * sizeof(WCHAR));
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, n, w, m);
    return w;
}

/* readTrailer reads the interpreter and script names appended to path. */
static void readTrailer(const WCHAR *path, WCHAR **interp, WCHAR **script)
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) fail("cannot read itself", path);
    LARGE_INTEGER size, pos;
    unsigned char tail[12];
    DWORD got;
    if (!GetFileSizeEx(f, &size) || size.QuadPart < 12) fail("no trailer (run pkginstall install again)", path);
    pos.QuadPart = size.QuadPart - 12;
    if (!SetFilePointerEx(f, pos, NULL, FILE_BEGIN) || !ReadFile(f, tail, 12, &got, NULL) || got != 12)
        fail("cannot read itself", path);
    for (int i = 0; i < 8; i++)
        if (tail[4 + i] != (unsigned char)MAGIC[i]) fail("no trailer (run pkginstall install again)", path);
    DWORD n = tail[0] | tail[1] << 8 | tail[2] << 16 | (DWORD)tail[3] << 24;
    if (n < 4 || n > MAX_TRAILER || (LONGLONG)n > size.QuadPart - 12) fail("bad trailer", path);
    char *buf = alloc(n + 1);
    pos.QuadPart = size.QuadPart - 12 - n;
    if (!SetFilePointerEx(f, pos, NULL, FILE_BEGIN) || !ReadFile(f, buf, n, &got, NULL) || got != n)
        fail("cannot read itself", path);
    CloseHandle(f);
    /* INTERPRETER \0 SCRIPT \0 */
    DWORD a = 0;
    while (a < n && buf[a]) a++;
    DWORD b = a + 1;
    while (b < n && buf[b]) b++;
    if (a == 0 || a >= n || b != n - 1 || b == a + 1) fail("bad trailer", path);
    *interp = utf16(buf, (int)a);
    *script = utf16(buf + a + 1, (int)(b - a - 1));
    for (WCHAR *c = *script; *c; c++)
        if (*c == L'\\' || *c == L'/' || *c == L':') fail("bad trailer", path);
}

/* skipProgram returns the command line after the program name, by the
 * rule CommandLineToArgvW applies to argv[0] (quotes, no escapes). */
static const WCHAR *skipProgram(const WCHAR *cl)
{
    if (*cl == L'"') {
        cl++;
        while (*cl && *cl != L'"') cl++;
        if (*cl) cl++;
    } else {
        while (*cl && *cl != L' ' && *cl != L'\t') cl++;
    }
    while (*cl == L' ' || *cl == L'\t') cl++;
    return cl;
}

static WCHAR *append(WCHAR *d, const WCHAR *s)
{
    while (*s) *d++ = *s++;
    return d;
}

static BOOL WINAPI ignoreCtrl(DWORD type)
{
    (void)type;
    return TRUE; /* the child, in the same console, gets it and decides */
}

static void inheritStd(STARTUPINFOW *si)
{
    HANDLE *slot[3] = {&si->hStdInput, &si->hStdOutput, &si->hStdError};
    DWORD which[3] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
    si->dwFlags |= STARTF_USESTDHANDLES;
    for (int i = 0; i < 3; i++) {
        HANDLE h = GetStdHandle(which[i]);
        if (h != NULL && h != INVALID_HANDLE_VALUE)
            SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
        *slot[i] = h;
    }
}

void start(void)
{
    WCHAR *self = ownPath();
    WCHAR *interp, *script;
    readTrailer(self, &interp, &script);

    /* The directory of the launcher, with its trailing backslash. */
    SIZE_T dir = wlen(self);
    while (dir > 0 && self[dir - 1] != L'\\' && self[dir - 1] != L'/') dir--;
    self[dir] = 0;

    const WCHAR *rest = skipProgram(GetCommandLineW());
    SIZE_T n = wlen(interp) + wlen(self) + wlen(script) + wlen(rest) + 8;
    WCHAR *cmd = alloc(n * sizeof(WCHAR)), *p = cmd;
    p = append(p, L"\"");
    p = append(p, interp);
    p = append(p, L"\" \"");
    p = append(p, self);
    p = append(p, script);
    p = append(p, L"\"");
    if (*rest) {
        p = append(p, L" ");
        p = append(p, rest);
    }
    *p = 0;

    /* The child dies with the launcher (closing the job ends it). */
    HANDLE job = CreateJobObjectW(NULL, NULL);
    if (job != NULL) {
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION info;
        SecureZeroMemory(&info, sizeof info);
        info.BasicLimitInformation.LimitFlags =
            JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK;
        SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof info);
    }

    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    SecureZeroMemory(&si, sizeof si);
    SecureZeroMemory(&pi, sizeof pi);
    si.cb = sizeof si;
    GetStartupInfoW(&si);
    si.cb = sizeof si;
    si.lpReserved2 = NULL; /* the C runtime's fd table is not ours to pass */
    si.cbReserved2 = 0;
    inheritStd(&si);
    SetConsoleCtrlHandler(ignoreCtrl, TRUE);
    if (!CreateProcessW(interp, cmd, NULL, NULL, TRUE, CREATE_SUSPENDED, NULL, NULL, &si, &pi))
        fail("cannot start the interpreter recorded at install time", interp);
    if (job != NULL) AssignProcessToJobObject(job, pi.hProcess);
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    ExitProcess(code);
}
