# Flags live on an INTERFACE target linked by every product and test target,
# so nothing is global and a user's newer compiler never breaks on -Werror
# unless they ask for it.
add_library(notify_settings INTERFACE)
target_compile_features(notify_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_options(notify_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wunused -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
if(NOTIFY_WERROR)
  target_compile_options(notify_settings INTERFACE -Werror)
endif()
if(NOTIFY_SANITIZE)
  target_compile_options(notify_settings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(notify_settings INTERFACE -fsanitize=address,undefined)
endif()
# GCC 12's -Wrestrict misfires on libstdc++'s own `"literal" + std::string&&`
# once it is inlined at -O2 and above (GCC bug 105329, fixed in GCC 13): ~40
# lines of warnings inside <bits/char_traits.h> about a memcpy of 2^63 bytes
# that cannot happen, and an error under -Werror. Only that compiler, only
# optimised builds; Debug and the sanitizer builds keep the warning.
target_compile_options(notify_settings INTERFACE
  "$<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_GREATER_EQUAL:$<CXX_COMPILER_VERSION>,12>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>,$<NOT:$<CONFIG:Debug>>>:-Wno-restrict>")
