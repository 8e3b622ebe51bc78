import { cidrProblem, findOverlaps, parseCidr, rangesOverlap } from "../../src/network/cidr";

describe("cidr", () => {
  test.each([
    ["10.0.0.0/8", undefined],
    ["172.16.0.16/28", undefined],
    ["10.0.0.1/8", /host bits are set; the network address is 10.0.0.0\/8/],
    ["10.0.0.0/33", /prefix length/],
    ["300.0.0.0/8", /octet/],
    ["10.0.0.0", /must be an IPv4 CIDR/],
  ])("cidrProblem(%s)", (cidr, expected) => {
    const problem = cidrProblem(cidr);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  test("parseCidr computes the first and last address", () => {
    const r = parseCidr("10.0.1.0/24");
    expect(r.last - r.first).toBe(255);
    expect(r.prefixLength).toBe(24);
  });

  test.each([
    ["10.0.0.0/16", "10.0.255.0/24", true],
    ["10.0.0.0/16", "10.1.0.0/16", false],
    ["172.16.0.0/28", "172.16.0.16/28", false],
    ["172.16.0.0/28", "172.16.0.8/29", true],
  ])("%s vs %s overlap: %s", (a, b, overlap) => {
    expect(rangesOverlap(parseCidr(a), parseCidr(b))).toBe(overlap);
  });

  test("findOverlaps names both sides of every overlapping pair", () => {
    const overlaps = findOverlaps([
      { name: "a", cidr: "10.0.0.0/16" },
      { name: "b", cidr: "10.1.0.0/16" },
      { name: "c", cidr: "10.0.128.0/17" },
    ]);
    expect(overlaps).toEqual([{ a: { name: "a", cidr: "10.0.0.0/16" }, b: { name: "c", cidr: "10.0.128.0/17" } }]);
  });
});
