#pragma once
// RAII scratch directory for tests that need the real filesystem.

#include <filesystem>
#include <string>
#include <string_view>

namespace notify::test {

class TempDir {
 public:
  /// Creates a fresh directory $TMPDIR/<prefix>-XXXXXX (TMPDIR defaults to /tmp); throws on failure.
  explicit TempDir(std::string_view prefix = "notify-test");
  /// Removes the directory recursively; errors are ignored.
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  /// Absolute path of the directory.
  const std::filesystem::path& path() const { return path_; }
  /// path() / name.
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

  /// Writes content to path()/name (creating parent directories), sets its permission bits
  /// to mode, and returns the full path; throws on failure.
  std::filesystem::path write_file(std::string_view name, std::string_view content,
                                   unsigned mode = 0600) const;
  /// Creates path()/name (and parents) with the given mode; returns the full path.
  std::filesystem::path make_dir(std::string_view name, unsigned mode = 0700) const;
  /// Contents of path()/name; throws if it cannot be read.
  std::string read_file(std::string_view name) const;

 private:
  std::filesystem::path path_;
};

}  // namespace notify::test
