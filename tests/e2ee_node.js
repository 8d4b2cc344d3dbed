// The browser's E2EE code under node, for tests/test_e2ee_interop.py: the vendored tweetnacl
// (UMD, so require() works) and the wire format of pastebox/static/e2ee.js, the very files the
// pages load. Reads a JSON list of operations on stdin, writes the list of results on stdout:
//   {"op": "seal", "key": b64url, "record": {...}, "nonce": b64url (optional)} -> {"content": str}
//   {"op": "open", "key": b64url, "content": str}  -> {"record": {...} or null}
//   {"op": "key", "fragment": str}                 -> {"key": b64url or null}
"use strict";

const path = require("path");
const static_ = path.join(__dirname, "..", "pastebox", "static");
const nacl = require(path.join(static_, "vendor", "nacl-fast.min.js"));
const codec = require(path.join(static_, "e2ee.js")).wire(nacl);

function run(op) {
  switch (op.op) {
    case "seal": {
      const nonce = op.nonce === undefined ? undefined : codec.b64urlDecode(op.nonce);
      return { content: codec.seal(op.record, codec.b64urlDecode(op.key), nonce) };
    }
    case "open":
      return { record: codec.open(op.content, codec.b64urlDecode(op.key)) };
    case "key": {
      const key = codec.keyFromFragment(op.fragment);
      return { key: key ? codec.b64url(key) : null };
    }
    default:
      throw new Error("unknown op " + JSON.stringify(op.op));
  }
}

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const ops = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  process.stdout.write(JSON.stringify(ops.map(run)) + "\n");
});
