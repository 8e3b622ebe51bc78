import type { AddressInfo } from "node:net";
import { cookieValue, get, maskedTextFrame, parseEcho, readServerFrame, websocket } from "../../scripts/e2e/http";
import { readFrame, standinServer, textFrame, websocketAccept } from "../../scripts/e2e/standin";

describe("the stand-in's WebSocket framing", () => {
  test("RFC 6455's example key gives its example accept value", () => {
    expect(websocketAccept("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  test("frames round-trip: masked client frames are unmasked, server frames read back, long ones too", () => {
    const client = readFrame(maskedTextFrame("hello"));
    expect(client).toMatchObject({ opcode: 1, text: "hello" });
    const long = "x".repeat(300);
    expect(readServerFrame(textFrame(long))).toEqual({ text: long, length: 304 });
    expect(readServerFrame(textFrame("hi").subarray(0, 3))).toBeUndefined();
    expect(readFrame(maskedTextFrame("hello").subarray(0, 5))).toBeUndefined();
  });
});

describe("HTTP helpers", () => {
  test("a Set-Cookie value by name; an empty one counts as none", () => {
    expect(cookieValue({ "set-cookie": ["a=1; Path=/", "tandem_client=abc; Path=/; HttpOnly"] }, "tandem_client")).toBe("abc");
    expect(cookieValue({ "set-cookie": ["tandem_client=; Path=/"] }, "tandem_client")).toBeUndefined();
    expect(cookieValue({}, "tandem_client")).toBeUndefined();
  });

  test("only a stand-in's JSON counts as an echo", () => {
    expect(parseEcho('{"hostname":"h","path":"/"}')).toMatchObject({ hostname: "h" });
    expect(parseEcho("ok\n")).toBeUndefined();
    expect(parseEcho('{"status":"up"}')).toBeUndefined();
  });
});

describe("the stand-in server on loopback", () => {
  const server = standinServer();
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  });

  test("echoes the path, the Host and the router's X-Tandem headers", async () => {
    const r = await get(port, "/items?q=1", { host: "new.example.com", headers: { "X-Tandem-Side": "new", "X-Tandem-Phase": "path" } });
    expect(r.status).toBe(200);
    expect(r.echo).toMatchObject({ path: "/items?q=1", host: "new.example.com", side: "new", phase: "path", method: "GET" });
  });

  test("answers a WebSocket upgrade with 101 and a valid accept, then echoes a frame", async () => {
    const r = await websocket(port, "/chat", "ping");
    expect(r).toMatchObject({ status: 101, acceptValid: true, reply: "ping" });
    expect(r.echo?.path).toBe("/chat");
  });
});
