/**
 * A tiny DNS server for tests: answers A queries from a table the test controls (and can change while nginx
 * runs), NXDOMAIN for every other name. Enough for nginx's resolver; never leaves the machine.
 */
import * as dgram from "node:dgram";

export interface DnsStub {
  /** Maps a name (lower case, no trailing dot) to an IPv4 address; delete it to make the name NXDOMAIN. */
  readonly records: Map<string, string>;
  /** Names asked for, in order. */
  readonly queries: string[];
  close(): Promise<void>;
}

export function startDnsStub(address: string, port = 53, ttlSeconds = 1): Promise<DnsStub> {
  const socket = dgram.createSocket("udp4");
  const records = new Map<string, string>();
  const queries: string[] = [];
  socket.on("message", (msg, peer) => {
    if (msg.length < 12) return;
    let offset = 12;
    const labels: string[] = [];
    while (offset < msg.length && msg[offset] !== 0) {
      const len = msg[offset];
      labels.push(msg.subarray(offset + 1, offset + 1 + len).toString("ascii"));
      offset += len + 1;
    }
    const questionEnd = offset + 5; // zero byte + QTYPE + QCLASS
    const qtype = msg.readUInt16BE(offset + 1);
    const name = labels.join(".").toLowerCase();
    queries.push(name);
    const ip = qtype === 1 ? records.get(name) : undefined;
    const known = records.has(name);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    // QR, opcode 0, RD copied, RA; RCODE 3 (NXDOMAIN) for names we do not know.
    header.writeUInt16BE(0x8180 | (msg.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(ip ? 1 : 0, 6);
    const question = msg.subarray(12, questionEnd);
    const answer = ip ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, 1, 0, 1]), u32(ttlSeconds), Buffer.from([0, 4]), Buffer.from(ip.split(".").map(Number))]) : Buffer.alloc(0);
    socket.send(Buffer.concat([header, question, answer]), peer.port, peer.address);
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, address, () =>
      resolve({
        records,
        queries,
        close: () => new Promise<void>((r) => socket.close(() => r())),
      }),
    );
  });
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
