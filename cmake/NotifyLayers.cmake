# One STATIC library per folder of src/ (a "layer"), so the layer graph in
# CMakeLists.txt is what the compiler sees: a file can include another layer's
# headers only when its own layer links that layer.
#
# notify_layer(<layer>) is called from src/<layer>/CMakeLists.txt and defines
# notify_<layer> from every .cpp under that folder (subfolders too, so a new
# src/services/<name>/ needs no CMake edit).
#
# Why a symlink and not src/ as the include root: with src/ on the path every
# layer can reach every other, which is what this replaces. The layer's include
# root, ${PROJECT_BINARY_DIR}/layers/<layer>, holds one entry, <layer> -> the
# source folder, so "cli/run.hpp" resolves only for targets linking notify_cli
# while the sources keep their "layer/file.hpp" spelling.
function(notify_layer layer)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  set(root ${PROJECT_BINARY_DIR}/layers/${layer})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${layer} SYMBOLIC)
  add_library(notify_${layer} STATIC ${sources})
  target_include_directories(notify_${layer} PUBLIC ${root})
  target_link_libraries(notify_${layer} PUBLIC notify_settings)
endfunction()
