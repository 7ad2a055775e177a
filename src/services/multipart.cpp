#include "services/multipart.hpp"

namespace notify::services {

namespace {

// Quotes in a filename would end the header value early.
std::string header_safe(const std::string& s) {
  std::string out;
  for (char c : s) out += (c == '"' || c == '\r' || c == '\n') ? '_' : c;
  return out;
}

}  // namespace

Multipart encode_multipart(const std::vector<FormField>& fields, std::string boundary) {
  for (const auto& f : fields)
    while (f.value.find(boundary) != std::string::npos) boundary += "x";
  Multipart m;
  m.content_type = "multipart/form-data; boundary=" + boundary;
  for (const auto& f : fields) {
    m.body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"";
    if (!f.filename.empty()) {
      m.body += "; filename=\"" + header_safe(f.filename) + "\"\r\nContent-Type: " +
                (f.content_type.empty() ? "application/octet-stream" : f.content_type);
    }
    m.body += "\r\n\r\n" + f.value + "\r\n";
  }
  m.body += "--" + boundary + "--\r\n";
  return m;
}

}  // namespace notify::services
