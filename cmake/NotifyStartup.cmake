# Start-up cost of the notify executable. A send is one short process, so the
# dynamic loader's work before main() is a large share of it (bench/RESULTS.md
# has callgrind figures): every shared library mapped and every symbol
# relocated is paid on each run. notify_lean_startup(<target>):
#
# - links the C++ runtime into the executable (-static-libstdc++
#   -static-libgcc) instead of loading libstdc++.so, libgcc_s.so and
#   libm.so: 18.9 -> 16.3 M instructions per send;
# - drops unreferenced sections (--gc-sections): 3.7 -> 2.9 MB, fewer pages
#   to fault in, -17 k instructions;
# - packs the ~6500 relative relocations of a PIE into DT_RELR where the
#   toolchain and glibc (>= 2.36) support it: -17 k instructions, -120 kB.
#
# Measured and left out: -Wl,-O1 (no change), -z now (+117 k instructions: most of the 190 PLT
# slots are never called in a send), -no-pie (-90 k, not worth losing ASLR),
# -fvisibility=hidden (a PIE without -rdynamic exports one symbol already).
#
# Not under the sanitizers: ASan and UBSan expect the shared C++ runtime.
include(CheckLinkerFlag)
check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" NOTIFY_HAVE_RELR)

function(notify_lean_startup target)
  if(NOTIFY_SANITIZE)
    return()
  endif()
  # --as-needed drops libm, which the static C++ runtime names but notify
  # calls nothing from (-1 shared library to map and relocate per run).
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc -Wl,--gc-sections
                      -Wl,--as-needed)
  if(NOTIFY_HAVE_RELR)
    target_link_options(${target} PRIVATE -Wl,-z,pack-relative-relocs)
  endif()
endfunction()
