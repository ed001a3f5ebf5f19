#!/usr/bin/env python3
"""Writes the hostile corpus (conformance-tests/src/test/resources/hostile): NAME.trace, and NAME.intent with the outcome we expect for each
share line, reasoned from DESIGN.md section 4 (the .expected files are the replay's output once every share line matched its intent,
and HostileCorpusTest checks that every refused share left the dumps and the pool as they were).
Usage: tools/hostile-corpus.py OUT_DIR"""
import struct, os, sys
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)

def region(constituents, receiver=2, attrs=0x60, page_count=None, count=None, offset=32, attr_count=1,
           tag=0, flags=0, attr_entries=None, pad=None, extra=b"", cut=None):
    if page_count is None:
        page_count = sum(p for _, p in constituents) & 0xffffffff
    if count is None:
        count = len(constituents)
    head = struct.pack("<IIIIII", tag, flags, page_count, count & 0xffffffff, offset & 0xffffffff, attr_count & 0xffffffff)
    entries = attr_entries if attr_entries is not None else [(receiver, attrs)]
    body = b"".join(struct.pack("<HH", r, a) for r, a in entries)
    data = head + body
    if pad is None:
        pad = max(0, offset - len(data)) if offset < 0x10000 else 4
    data += b"\0" * pad
    for addr, pages in constituents:
        data += struct.pack("<QII", addr & 0xffffffffffffffff, pages & 0xffffffff, 0)
    data += extra
    if cut is not None:
        data = data[:cut]
    return data.hex()

class Trace:
    def __init__(self, name, header):
        self.name = name
        self.lines = []
        self.intent = {}
        for h in header:
            self.lines.append(h)
    def add(self, line):
        self.lines.append(line)
    def comment(self, text):
        self.lines.append("# " + text)
    def observe(self, obs):
        for o in obs:
            self.lines.append(o)
    def share(self, why, hexstr, outcome, obs, type_="lend", frm=1, to=2):
        self.comment(why)
        self.lines.append(f"sharebytes type={type_} from={frm} to={to} hex={hexstr}")
        self.intent[len(self.lines)] = f"{outcome} bytes={hexstr.lower()}"
        self.observe(obs)
    def write(self):
        with open(os.path.join(OUT, self.name + ".trace"), "w") as f:
            f.write("\n".join(self.lines) + "\n")
        with open(os.path.join(OUT, self.name + ".intent"), "w") as f:
            for n, v in sorted(self.intent.items()):
                f.write(f"{n}: {v}\n")

A = 0x40000000          # VM 1 owns [A, A + 4 MiB) with R|W|X
OBS = ["dump vm=1", "dump vm=2", "pool"]
ARCHES = {"fake": ("init arch=fake pool_pages=256 vms=3", 1 << 41),
          "aarch64": ("init arch=aarch64 pa_bits=40 pool_pages=256 vms=3", 1 << 40)}
INV = "INVALID_PARAMETERS"

for arch, (init, space_end) in ARCHES.items():
    # ---- counts, products, offsets, truncation, types, attributes
    t = Trace(f"hostile-counts-{arch}", [f"# Hostile region headers on {arch}: each refused share is followed by dumps and the pool, unchanged.",
                                           init, f"map 1 0x{A:x} 0x{A + (4 << 20):x} 0x7"])
    t.observe(OBS)
    good = [(A, 4)]
    t.share("constituent_count 2^32-1, the region holds one", region(good, count=0xffffffff), INV, OBS)
    t.share("constituent_count 2^28: 16 x count wraps 32 bits to 0, so 32 + 16 x count 'equals' 32", region([], count=1 << 28), INV, OBS)
    t.share("constituent_count 2^28 + 1: the product wraps to 16, the size 'matches' one constituent", region(good, count=(1 << 28) + 1), INV, OBS)
    t.share("constituent_count 0x0fffffff + 2^28 = 0x1fffffff: wraps to 0xfffffff0 + 32", region(good, count=0x1fffffff), INV, OBS)
    t.share("attribute_count 2^32-1", region(good, attr_count=0xffffffff), INV, OBS)
    t.share("attribute_count 2^30: 4 x count wraps to 0, 24 + 0 <= 32", region(good, attr_count=1 << 30), INV, OBS)
    t.share("attribute_count 0", region(good, attr_count=0), INV, OBS)
    t.share("attribute_count 2, both naming the receiver, offset 32 still large enough", region(good, attr_count=2, attr_entries=[(2, 0x60), (2, 0x60)], pad=0), INV, OBS)
    t.share("the one attribute entry names VM 3, the message goes to VM 2", region(good, receiver=3), INV, OBS)
    t.share("the one attribute entry names VM 0 (the hypervisor)", region(good, receiver=0), INV, OBS)
    t.share("constituent_offset past the end (0x1000)", region(good, offset=0x1000, pad=4), INV, OBS)
    t.share("constituent_offset 0xfffffff8: offset + 16 wraps 32 bits to 8", region(good, offset=0xfffffff8, pad=4), INV, OBS)
    t.share("constituent_offset 0xffffffe0: offset + 32 wraps to 0, size 'matches' with 2 constituents", region(good + [(A + 0x10000, 1)], offset=0xffffffe0, pad=4), INV, OBS)
    t.share("constituent_offset 36, not a multiple of 8", region(good, offset=36), INV, OBS)
    t.share("constituent_offset 24: the constituent starts on the attribute entry (needs >= 28); size 24 + 16 matches",
            (struct.pack("<IIIIII", 0, 0, 4, 1, 24, 1) + struct.pack("<HHIII", 2, 0x60, 0x4000, 4, 0)).hex(), INV, OBS)
    t.share("constituent_offset 0", region(good, offset=0, pad=4), INV, OBS)
    t.share("no constituent", region([]), INV, OBS)
    t.share("a constituent of 0 pages (page_count 0 matches)", region([(A, 0)]), INV, OBS)
    t.share("a constituent that is not page aligned", region([(A + 0x800, 1)]), INV, OBS)
    t.share("page_count 3 for 4 pages", region(good, page_count=3), INV, OBS)
    t.share("page_count 2^32-1 for 4 pages", region(good, page_count=0xffffffff), INV, OBS)
    t.share("truncated: no header at all (0 bytes)", "", INV, OBS)
    t.share("truncated: 23 bytes, the header's last field cut", region(good, cut=23), INV, OBS)
    t.share("truncated: 24 bytes, header only", region(good, cut=24), INV, OBS)
    t.share("truncated: 47 bytes, the last constituent's reserved word cut", region(good, cut=47), INV, OBS)
    t.share("overlong: one byte more than offset + 16 x count", region(good, extra=b"\0"), INV, OBS)
    t.share("overlong: a second constituent's worth that the count does not declare", region(good, extra=bytes(16)), INV, OBS)
    t.share("overlong: 4089 bytes, so the message (8 + 4089) exceeds the 4 KiB mailbox", region(good, extra=bytes(4089 - 48)), INV, OBS)
    for code in (4, 7, 0x100, 0xffff):
        t.share(f"unknown message type {code}, region well formed", region(good), INV, OBS, type_=str(code))
    t.share("sender is the receiver", region(good, receiver=1), INV, OBS, frm=1, to=1)
    t.share("receiver VM 4 does not exist", region(good, receiver=4), INV, OBS, frm=1, to=4)
    t.share("control: the well-formed lend of the same 4 pages succeeds", region(good), "SUCCESS", OBS)
    t.write()

    # ---- overlap arrangements
    t = Trace(f"hostile-overlap-{arch}", [f"# Every overlap arrangement of two constituents on {arch}; adjacent is not an overlap.",
                                            init, f"map 1 0x{A:x} 0x{A + (4 << 20):x} 0x7"])
    t.observe(OBS)
    P = 0x1000
    cases = [
        ("identical", [(A, 4), (A, 4)]),
        ("the second contained in the first", [(A, 8), (A + 2 * P, 2)]),
        ("the first contained in the second", [(A + 2 * P, 2), (A, 8)]),
        ("same start, the second longer", [(A, 4), (A, 8)]),
        ("same end, the second shorter", [(A, 8), (A + 6 * P, 2)]),
        ("straddling the start of the first", [(A + 2 * P, 4), (A, 4)]),
        ("straddling the end of the first", [(A, 4), (A + 3 * P, 4)]),
        ("one page overlapping, across a 2 MiB block boundary", [(A + 0x200000 - 2 * P, 2), (A + 0x200000 - P, 2)]),
        ("the first and the third overlap, the second lies apart", [(A, 2), (A + 0x10000, 1), (A + P, 1)]),
        ("a huge constituent that contains a small one", [(A + 5 * P, 1), (A, 1024)]),
    ]
    for why, cs in cases:
        t.share(why, region(cs), INV, OBS)
    t.share("adjacent (the first ends where the second begins): not an overlap, succeeds", region([(A + 4 * P, 4), (A, 4)]), "SUCCESS", OBS)
    t.share("adjacent across the 2 MiB boundary, given back in the other order: succeeds", region([(A + 0x200000, 2), (A + 0x200000 - 2 * P, 2)]), "SUCCESS", OBS)
    t.write()

    # ---- top of the address space
    top = space_end - 0x1000
    t = Trace(f"hostile-top-{arch}", [f"# Constituents at the top of {arch}'s address space (it ends at 0x{space_end:x}).",
                                        init, f"map 1 0x{space_end - 0x200000:x} 0x{space_end:x} 0x7", f"map 1 0x{A:x} 0x{A + 0x10000:x} 0x7"])
    t.observe(OBS)
    cases = [
        ("one page over the end", [(top, 2)], INV),
        ("starting at the end", [(space_end, 1)], INV),
        ("2^32-1 pages from the last page", [(top, 0xffffffff)], INV),
        ("the last page of the 64-bit space: its end is 2^64, which wraps to 0", [(0xfffffffffffff000, 1)], INV),
        ("two pages from the last page of the 64-bit space: the end wraps to 0x1000", [(0xfffffffffffff000, 2)], INV),
        ("2^32-1 pages from 2^64 - 2^44: no wrap (it ends at 2^64 - 4 KiB), but far past the space", [(0xfffff00000000000, 0xffffffff)], INV),
        ("a good constituent, then one past the end", [(A, 1), (top, 2)], INV),
        ("a good constituent, then one that wraps", [(A, 1), (0xfffffffffffff000, 2)], INV),
    ]
    for why, cs, outcome in cases:
        t.share(why, region(cs), outcome, OBS)
    t.share("ending exactly at the end of the address space is fine", region([(top, 1)]), "SUCCESS", OBS)
    t.share("the last 2 MiB but the page already lent: a whole run ending at the end", region([(space_end - 0x200000, 511)]), "SUCCESS", OBS)
    t.write()

    # ---- a maximal message
    t = Trace(f"hostile-maxmessage-{arch}", [f"# The largest message the 4 KiB mailbox holds, and one byte more, on {arch}.",
                                               init, f"map 1 0x{A:x} 0x{A + (4 << 20):x} 0x7"])
    t.observe(OBS)
    many = [(A + 2 * i * 0x1000, 1) for i in range(253)]   # every other page: 253 constituents
    t.share("4089-byte region: 253 constituents after a 40-byte offset, plus one byte: too long", region(many, offset=40, extra=b"\0"), INV, OBS)
    t.share("4088-byte region, message exactly 4096 bytes: 253 constituents, accepted", region(many, offset=40), "SUCCESS", OBS)
    t.write()

# ---- page counts summing past 2^32: needs an address space over 16 TiB (aarch64 with 48-bit PA)
t = Trace("hostile-pagesum-aarch64-pa48", ["# Page counts that sum past 2^32 (aarch64, 48-bit PA: the space ends at 2^48).",
                                             "init arch=aarch64 pa_bits=48 pool_pages=512 vms=3",
                                             "map 1 0x0 0x200000000000 0x7"])
OBS48 = ["mode 1 0x0 0x200000000000", "mode 1 0x0 0x1000", "mode 1 0xffffffff000 0x100000000000", "mode 1 0x1ffffffff000 0x200000000000",
         "mode 2 0x0 0xffffffff000", "mode 2 0xffffffff000 0x100000000000", "dump s1", "pool"]
t.observe(OBS48)
G = 1 << 43  # 2^31 pages
t.share("two runs of 2^31 pages: the sum is 2^32, page_count 0 is the sum mod 2^32", region([(0, 1 << 31), (G, 1 << 31)], page_count=0), INV, OBS48)
t.share("the same, page_count 2^32-1", region([(0, 1 << 31), (G, 1 << 31)], page_count=0xffffffff), INV, OBS48)
t.share("2^32-1 pages, then 1 more page: the sum is 2^32, page_count 0", region([(0, 0xffffffff), (0x100000000000, 1)], page_count=0), INV, OBS48)
t.share("three runs whose sum wraps to 5: 2^31 + 2^31 + 5 pages, page_count 5", region([(0, 1 << 31), (G, 1 << 31), (0x100000000000, 5)], page_count=5), INV, OBS48)
t.share("control: 2^32-1 pages (16 TiB less a page) in one constituent, page_count 2^32-1, succeeds", region([(0, 0xffffffff)]), "SUCCESS", OBS48)
t.write()

t = Trace("hostile-pagesum-fake", ["# Page counts that sum past 2^32 on fake (its space ends at 2^41, so these runs also leave it).",
                                     "init arch=fake pool_pages=256 vms=3", f"map 1 0x{A:x} 0x{A + (4 << 20):x} 0x7"])
t.observe(OBS)
t.share("two runs of 2^31 pages, page_count 0", region([(0, 1 << 31), (G, 1 << 31)], page_count=0), INV, OBS)
t.share("a good page, then 2^32-1 pages: the sum wraps to 0", region([(A, 1), (A + 0x1000, 0xffffffff)], page_count=0), INV, OBS)
t.share("a good page, then 2^32-1 pages, page_count 1 (the sum 2^32 is not 1, whatever a 32-bit sum says)", region([(A, 1), (A + 0x1000, 0xffffffff)], page_count=1), INV, OBS)
t.write()
