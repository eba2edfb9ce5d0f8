// LD_PRELOAD shim for the client's tests under LeakSanitizer (the asan stage
// of tools/test.sh): dlclose() does nothing, so shared objects stay mapped
// until the process exits.
//
// Mesa's llvmpipe driver is dlopen'ed by libGLX_mesa when SFML creates a GL
// context and dlclose'd when the context goes. LeakSanitizer runs at exit,
// after that: the driver's globals are no longer mapped, so the blocks only
// they point to look leaked, from an "<unknown module>" that no suppression
// can name. With the driver kept loaded those blocks are reachable again and
// leak checking stays on for the client's own code.
extern "C" int dlclose(void*) {
  return 0;
}
