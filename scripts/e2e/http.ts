/**
 * Clients for the e2e checks, all to 127.0.0.1: plain HTTP (with any Host header and cookie), a WebSocket handshake
 * with one echoed frame, a Redis PING, a TCP connect. Every connection is new (no keep-alive), so a check sees what
 * a fresh client would, and a router reload cannot hide behind a pooled connection.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import * as net from "node:net";
import type { Echo } from "./standin";
import { readFrame, websocketAccept } from "./standin";

export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The stand-in's echo, when the body is one. */
  readonly echo?: Echo;
}

export interface RequestOptions {
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** Parses a stand-in's JSON echo; undefined for any other body. */
export function parseEcho(body: string): Echo | undefined {
  try {
    const v = JSON.parse(body) as Partial<Echo>;
    return typeof v.hostname === "string" && typeof v.path === "string" ? (v as Echo) : undefined;
  } catch {
    return undefined;
  }
}

/** GET http://127.0.0.1:<port><path>. Rejects on a connection error or timeout. */
export function get(port: number, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, method: "GET", agent: false, headers: { Connection: "close", ...(options.host ? { Host: options.host } : {}), ...(options.headers ?? {}) }, timeout: options.timeoutMs ?? 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, echo: parseEcho(body) });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${options.timeoutMs ?? 5000} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** The value of `name` in a response's Set-Cookie headers. */
export function cookieValue(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  for (const c of headers["set-cookie"] ?? []) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m && m[1] !== "") return m[1];
  }
  return undefined;
}

/** A client-to-server text frame (clients must mask theirs). */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  if (payload.length > 125) throw new Error("the e2e client only sends short frames");
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** The first complete unmasked server text frame in `data`; undefined until it is all there. */
export function readServerFrame(data: Buffer): { text: string; length: number } | undefined {
  const frame = readFrame(data);
  return frame && { text: frame.text, length: frame.length };
}

export interface WebSocketResult {
  readonly status: number;
  readonly acceptValid: boolean;
  /** The stand-in's echo of the upgrade request (its first frame). */
  readonly echo?: Echo;
  /** What came back for the frame we sent. */
  readonly reply?: string;
}

/** A WebSocket handshake to 127.0.0.1:<port><path>, then one frame there and back. */
export function websocket(port: number, path: string, message: string, timeoutMs = 5000): Promise<WebSocketResult> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString("base64");
    const req = http.request({ host: "127.0.0.1", port, path, agent: false, headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Key": key, "Sec-WebSocket-Version": "13" }, timeout: timeoutMs });
    const timer = setTimeout(() => req.destroy(new Error(`no WebSocket exchange within ${timeoutMs} ms`)), timeoutMs);
    req.on("response", (res) => {
      clearTimeout(timer);
      res.resume();
      resolve({ status: res.statusCode ?? 0, acceptValid: false });
    });
    req.on("upgrade", (res, socket, head) => {
      const acceptValid = res.headers["sec-websocket-accept"] === websocketAccept(key);
      let pending: Buffer = head;
      const frames: string[] = [];
      const take = () => {
        for (let f = readServerFrame(pending); f; f = readServerFrame(pending)) {
          frames.push(f.text);
          pending = pending.subarray(f.length);
        }
        if (frames.length === 1 && !socket.destroyed) socket.write(maskedTextFrame(message));
        if (frames.length >= 2) {
          clearTimeout(timer);
          socket.destroy();
          resolve({ status: res.statusCode ?? 0, acceptValid, echo: parseEcho(frames[0]), reply: frames[1] });
        }
      };
      socket.on("data", (c: Buffer) => {
        pending = Buffer.concat([pending, c]);
        take();
      });
      socket.on("error", reject);
      take();
    });
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

/** Sends PING to a Redis at 127.0.0.1:<port>; resolves with its first reply line. */
export function redisPing(port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply within ${timeoutMs} ms`)));
    let data = "";
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (c: Buffer) => {
      data += c.toString("utf8");
      if (data.includes("\r\n")) {
        socket.end();
        resolve(data.split("\r\n")[0]);
      }
    });
    socket.on("error", reject);
  });
}

/** Connects to 127.0.0.1:<port> and closes again. */
export function tcpConnect(port: number, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no connection within ${timeoutMs} ms`)));
    socket.on("connect", () => {
      socket.end();
      resolve();
    });
    socket.on("error", reject);
  });
}
