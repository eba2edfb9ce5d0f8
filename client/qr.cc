#include "client/qr.h"

#include <qrencode.h>

namespace mf::client {

std::string BrowserLink(const std::string& server, bool tls, int web_port,
                        const std::string& web_url, const std::string& code) {
  if (code.empty()) return "";
  std::string base = web_url;
  if (base.empty()) {
    if (web_port <= 0) return "";
    // The host of HOST:PORT, [V6]:PORT or a bare HOST.
    std::string host = server;
    const size_t colon = host.rfind(':');
    const size_t bracket = host.rfind(']');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket))
      host.resize(colon);
    if (host.empty() || host == "0.0.0.0") host = "localhost";
    base = std::string(tls ? "https" : "http") + "://" + host + ":" + std::to_string(web_port);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/#join=" + code;
}

QrMatrix EncodeQr(const std::string& text) {
  QrMatrix m;
  QRcode* q = QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (!q) return m;
  m.size = q->width;
  m.dark.resize(static_cast<size_t>(q->width) * q->width);
  // Bit 0 of each byte is the module's colour (1: dark); the others say what
  // the module is for.
  for (size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (q->data[i] & 1) != 0;
  QRcode_free(q);
  return m;
}

}  // namespace mf::client
