/**
 * The stand-in for every HTTP service of dev (and for the legacy NetBox): the e2e test builds it into a small image
 * under each service's image name. It runs inside the containers as a single file (transpiled to CommonJS, node's
 * built-in modules only), so it imports nothing from the project.
 *
 * Every path answers 200 with a JSON body that says who answered (the container's host name, which Docker sets to the
 * container id) and what the router sent: the path after the router stripped its prefix, the Host header, and the
 * X-Tandem-Side / X-Tandem-Phase / X-Tandem-Color headers. A WebSocket upgrade answers 101, sends the same JSON as a
 * text frame and echoes every text frame back, so a test can see the upgrade through the router both ways.
 */
import { createHash } from "node:crypto";
import * as http from "node:http";
import * as os from "node:os";
import type { Duplex } from "node:stream";

/** RFC 6455's fixed GUID for Sec-WebSocket-Accept. */
const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** What the stand-in answers (as JSON) to every request. */
export interface Echo {
  /** The container's host name (its short id in Docker). */
  readonly hostname: string;
  readonly method: string;
  /** The path as the stand-in received it (after the router's rewrite). */
  readonly path: string;
  readonly host: string;
  /** X-Tandem-Side, X-Tandem-Phase, X-Tandem-Color as the router set them ("" when absent). */
  readonly side: string;
  readonly phase: string;
  readonly color: string;
  /** LEGACY_URL of this container ("" when not a bridge service). */
  readonly legacyUrl: string;
}

/** The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key. */
export function websocketAccept(key: string): string {
  return createHash("sha1").update(key + WEBSOCKET_GUID).digest("base64");
}

/** A server-to-client text frame (unmasked, as servers send them). */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, length]) : Buffer.from([0x81, 126, length >> 8, length & 0xff]);
  if (length > 0xffff) throw new Error("frame too long for the stand-in");
  return Buffer.concat([header, payload]);
}

/** The first complete frame in `data` (a client's, masked, or a server's, unmasked): opcode, text and the bytes it took; undefined until complete. */
export function readFrame(data: Buffer): { opcode: number; text: string; length: number } | undefined {
  if (data.length < 2) return undefined;
  const opcode = data[0] & 0x0f;
  const masked = (data[1] & 0x80) !== 0;
  let length = data[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    throw new Error("64-bit frame lengths are not supported by the stand-in");
  }
  const maskBytes = masked ? 4 : 0;
  if (data.length < offset + maskBytes + length) return undefined;
  const mask = data.subarray(offset, offset + maskBytes);
  const payload = Buffer.from(data.subarray(offset + maskBytes, offset + maskBytes + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
  return { opcode, text: payload.toString("utf8"), length: offset + maskBytes + length };
}

function header(req: http.IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}

function echoOf(req: http.IncomingMessage): Echo {
  return {
    hostname: os.hostname(),
    method: req.method ?? "",
    path: req.url ?? "",
    host: header(req, "host"),
    side: header(req, "x-tandem-side"),
    phase: header(req, "x-tandem-phase"),
    color: header(req, "x-tandem-color"),
    legacyUrl: process.env.LEGACY_URL ?? "",
  };
}

/** 101, then the echo as a text frame, then every text frame back; a close frame ends it. */
function upgrade(req: http.IncomingMessage, socket: Duplex): void {
  const key = header(req, "sec-websocket-key");
  if (header(req, "upgrade").toLowerCase() !== "websocket" || key === "") {
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  socket.write(["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade", `Sec-WebSocket-Accept: ${websocketAccept(key)}`, "", ""].join("\r\n"));
  socket.write(textFrame(JSON.stringify(echoOf(req))));
  let pending = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (let frame = readFrame(pending); frame; frame = readFrame(pending)) {
      pending = pending.subarray(frame.length);
      if (frame.opcode === 0x8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      if (frame.opcode === 0x1) socket.write(textFrame(frame.text));
    }
  });
  // The HTTP server allows half-open sockets: close our side when the client closes its, or the socket lingers.
  socket.on("end", () => socket.end());
  socket.on("error", () => socket.destroy());
}

/** The stand-in's server, not listening yet. */
export function standinServer(): http.Server {
  const server = http.createServer((req, res) => {
    const body = JSON.stringify(echoOf(req));
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.on("upgrade", upgrade);
  return server;
}

function start(): void {
  standinServer().listen(Number(process.env.PORT ?? "8080"), "0.0.0.0");
  // PID 1 gets no default signal handlers: without these, `docker stop` would wait its full timeout. Nothing to flush.
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => process.exit(0));
}

if (require.main === module) start();
