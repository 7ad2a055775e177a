# Builds one layering probe and checks how it ended (run by ctest):
#   cmake -DBUILD_DIR=... -DTARGET=... -DHEADER=layer/file.hpp -DEXPECT=pass|missing -P probe.cmake
# "missing" needs the compiler to have said that HEADER was not found, so a
# probe broken any other way (a typo, a syntax error) fails the test too.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(FIND "${out}" "${HEADER}: No such file" gcc_missing)      # GCC
string(FIND "${out}" "'${HEADER}' file not found" clang_missing) # Clang
if(EXPECT STREQUAL "pass")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${TARGET}: including ${HEADER} should compile:\n${out}")
  endif()
elseif(EXPECT STREQUAL "missing")
  if(rc EQUAL 0)
    message(FATAL_ERROR "${TARGET}: including ${HEADER} compiled; the layer must not see it")
  endif()
  if(gcc_missing EQUAL -1 AND clang_missing EQUAL -1)
    message(FATAL_ERROR "${TARGET}: failed, but not because ${HEADER} was not found:\n${out}")
  endif()
else()
  message(FATAL_ERROR "EXPECT must be pass or missing, not '${EXPECT}'")
endif()
message(STATUS "${TARGET}: ${HEADER} ${EXPECT} as expected")
