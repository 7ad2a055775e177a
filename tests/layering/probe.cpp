// One include, compiled in a layer's position by tests/layering/CMakeLists.txt:
// whether it compiles is the test.
#include NOTIFY_PROBE_HEADER
