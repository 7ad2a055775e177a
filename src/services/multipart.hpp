#pragma once
// multipart/form-data bodies, for the file uploads of Telegram and Discord.

#include <string>
#include <vector>

namespace notify::services {

struct FormField {
  std::string name;
  std::string value;
  std::string filename;      ///< set for a file part
  std::string content_type;  ///< for a file part; default application/octet-stream
};

struct Multipart {
  std::string content_type;  ///< "multipart/form-data; boundary=..."
  std::string body;
};

/// Encodes the fields with the given boundary (which must not occur in any
/// value; a UUID-based one does not in practice, and it is checked).
Multipart encode_multipart(const std::vector<FormField>& fields, std::string boundary);

}  // namespace notify::services
