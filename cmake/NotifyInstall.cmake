# Install rules and Debian package (CPack DEB) for notify.
# Included from the top-level CMakeLists.txt after the `notify` target exists.

include(GNUInstallDirs)

# --- Install tree --------------------------------------------------------------
install(TARGETS notify RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# The page carries @PROJECT_VERSION@: the installed one says this version.
configure_file(${PROJECT_SOURCE_DIR}/man/notify.1 ${PROJECT_BINARY_DIR}/man/notify.1 @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/man/notify.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Shell completions go to the directories each shell searches on its own
# (bash-completion loads completions/<command> lazily; Debian's zsh adds
# vendor-completions to fpath; fish reads vendor_completions.d).
install(FILES ${PROJECT_SOURCE_DIR}/completions/notify.bash
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions
  RENAME notify)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_notify
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/completions/notify.fish
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/fish/vendor_completions.d)

install(FILES ${PROJECT_SOURCE_DIR}/profiles.example.toml
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- Debian package ----------------------------------------------------------------
# `cpack -G DEB` in the build directory produces notify_<version>_<arch>.deb.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "notify")
set(CPACK_PACKAGE_VENDOR "notify developers")
set(CPACK_PACKAGE_CONTACT "notify developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The services named here are the registry's: tests/docs/registry_claims.sh
# reads them from CPackConfig.cmake and fails when one is missing or extra.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "send messages from pipes and scripts to chat, push and mail services")
set(CPACK_PACKAGE_DESCRIPTION
  "notify reads a message from stdin or its arguments, resolves a named profile
from a TOML file and delivers it to Mattermost, Telegram, LINE, Discord, Slack,
ntfy, e-mail (SMTP), Matrix, Gotify, Pushover, Teams, Google Chat or any HTTP webhook, and pings healthchecks.io and Uptime Kuma, with splitting, escaping, retries and an on-disk journal
that keeps every message until it is delivered.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")

set(CPACK_DEBIAN_PACKAGE_NAME "notify")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "notify developers")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# Runtime libraries on Debian 12 (bookworm): libcurl4 is the OpenSSL flavour
# that libcurl4-openssl-dev links against. toml++ is compiled in (header-only
# mode), cmark-gfm is linked from its static archives, libstdc++ and libgcc
# are linked statically (cmake/NotifyStartup.cmake) and nlohmann-json and
# CLI11 are header-only: none of them needs a runtime package.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.36), libcurl4 (>= 7.88)")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)

include(CPack)
