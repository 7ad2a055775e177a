# Start-up cost of the notify executable. A send is one short process, so the
# dynamic loader's work before main() is a large share of it (bench/RESULTS.md
# has callgrind figures): every shared library mapped and every symbol
# relocated is paid on each run. notify_lean_startup(<target>) links the C++
# runtime into the executable instead of loading libstdc++.so, libgcc_s.so and
# libm.so; only the C library and libcurl's own set stay shared.
#
# Not under the sanitizers: ASan and UBSan expect the shared C++ runtime.
function(notify_lean_startup target)
  if(NOTIFY_SANITIZE)
    return()
  endif()
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
endfunction()
