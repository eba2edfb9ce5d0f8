// Speaks gRPC-Web from the browser with fetch: JoinSession with the code
// in the page's #join=CODE, then Subscribe with the seat's token until the
// first view, and says what it saw in the session's public chat. Protobuf
// is written and read by hand (a few fields of proto/forum.proto).
"use strict";

const out = document.getElementById("out");

function varint(n) {
  const bytes = [];
  while (n > 127) {
    bytes.push((n & 127) | 128);
    n >>>= 7;
  }
  bytes.push(n);
  return bytes;
}

function stringField(field, text) {
  const utf8 = new TextEncoder().encode(text);
  return [...varint((field << 3) | 2), ...varint(utf8.length), ...utf8];
}

function frame(message) {
  const n = message.length;
  return new Uint8Array([0, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, ...message]);
}

// The fields of a message: {number: [values]} (varints as numbers,
// length-delimited as Uint8Array).
function fields(bytes) {
  const result = {};
  let i = 0;
  const readVarint = () => {
    let v = 0, shift = 0, b;
    do {
      b = bytes[i++];
      v += (b & 127) * 2 ** shift;
      shift += 7;
    } while (b & 128);
    return v;
  };
  while (i < bytes.length) {
    const key = readVarint();
    const number = key >>> 3, wire = key & 7;
    let value;
    if (wire === 0) value = readVarint();
    else if (wire === 2) {
      const n = readVarint();
      value = bytes.subarray(i, i + n);
      i += n;
    } else if (wire === 1) { value = null; i += 8; }
    else if (wire === 5) { value = null; i += 4; }
    else throw new Error("wire type " + wire);
    (result[number] = result[number] || []).push(value);
  }
  return result;
}

// Data frames and the trailer's status out of a growing buffer.
function takeFrames(state) {
  while (state.buf.length >= 5) {
    const b = state.buf;
    const n = ((b[1] << 24) >>> 0) + (b[2] << 16) + (b[3] << 8) + b[4];
    if (b.length < 5 + n) return;
    const payload = b.slice(5, 5 + n);
    if (b[0] === 0) state.messages.push(payload);
    else {
      const text = new TextDecoder().decode(payload);
      const m = /grpc-status:\s*(\d+)/.exec(text);
      if (m) state.status = Number(m[1]);
      const g = /grpc-message:\s*([^\r\n]*)/.exec(text);
      if (g) state.message = decodeURIComponent(g[1]);
    }
    state.buf = b.slice(5 + n);
  }
}

// Reads until the trailer, or until `untilMessages` data frames have come.
async function call(method, message, token, untilMessages) {
  const headers = {"content-type": "application/grpc-web+proto", "x-grpc-web": "1"};
  if (token) headers.authorization = "Bearer " + token;
  const res = await fetch("/mf.Forum/" + method, {method: "POST", headers, body: frame(message)});
  const state = {buf: new Uint8Array(0), messages: [], status: null, message: "",
                 http: res.status + " " + res.headers.get("content-type")};
  if (res.headers.get("grpc-status") !== null) {
    state.status = Number(res.headers.get("grpc-status"));
    state.message = decodeURIComponent(res.headers.get("grpc-message") || "");
  }
  const reader = res.body.getReader();
  while (state.status === null && state.messages.length < untilMessages) {
    const {done, value} = await reader.read();
    if (done) break;
    const joined = new Uint8Array(state.buf.length + value.length);
    joined.set(state.buf);
    joined.set(value, state.buf.length);
    state.buf = joined;
    takeFrames(state);
  }
  await reader.cancel();
  return state;
}

async function main() {
  const code = new URLSearchParams(location.hash.slice(1)).get("join");
  // A unary call: read to the trailer (the status may come in a later chunk).
  const joined = await call("JoinSession", [...stringField(1, code), ...stringField(2, "browser")],
                            "", Infinity);
  if (joined.status !== 0)
    throw new Error("join: " + joined.status + " " + joined.message + " (HTTP " + joined.http + ")");
  const join = fields(joined.messages[0]);
  const session = new TextDecoder().decode(join[1][0]);
  const seat = join[2] ? join[2][0] : 0;
  const token = new TextDecoder().decode(join[3][0]);
  const stream = await call("Subscribe", stringField(1, session), token, 1);
  if (stream.messages.length === 0)
    throw new Error("stream: " + stream.status + " " + stream.message);
  const event = fields(stream.messages[0]);
  const view = fields(event[1][0]);
  const viewer = view[4] ? view[4][0] : 0;
  const outcome = "joined seat " + seat + "; first view for seat " + viewer;
  out.textContent = outcome;
  // Told to the session's public chat, where the test reads it.
  const everyone = [0x08, 0x01];
  const said = await call("SendMessage", [...stringField(1, session), ...varint((2 << 3) | 2),
                                          everyone.length, ...everyone,
                                          ...stringField(3, "probe: " + outcome)],
                          token, Infinity);
  if (said.status !== 0) throw new Error("chat: " + said.status + " " + said.message);
}

main().catch((e) => { out.textContent = "failed: " + e.message; });
