// The browser link the lobby shows on the projector, and its QR code
// (libqrencode), so a class joins from phones (issue 14).
#pragma once

#include <string>
#include <vector>

namespace mf::client {

// The web client's join link: `web_url` (forumd --web-public-url) when set,
// else http(s)://HOST:web_port with HOST the host of `server` (the address
// the client reached forumd at; https when the client used TLS, as the web
// port shares forumd's certificate); then "/#join=CODE". "" when forumd has
// no web port (web_port 0 and no web_url) or the code is unknown.
std::string BrowserLink(const std::string& server, bool tls, int web_port,
                        const std::string& web_url, const std::string& code);

// A QR code's modules, row by row, without the quiet zone.
struct QrMatrix {
  int size = 0;            // Modules per side (0: the text could not be encoded).
  std::vector<bool> dark;  // size * size, row-major.
  bool at(int x, int y) const { return dark[static_cast<size_t>(y) * size + x]; }
};

// `text` as a QR code: 8-bit mode, error correction level M, the smallest
// version that holds it (libqrencode's QRcode_encodeString).
QrMatrix EncodeQr(const std::string& text);

}  // namespace mf::client
