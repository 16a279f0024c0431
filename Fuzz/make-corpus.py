#!/usr/bin/env python3
"""Writes the seed corpus of every fuzzer into Fuzz/corpus/<fuzzer>/ (small, named files).

    python3 Fuzz/make-corpus.py        # rewrites the seed files; the result is committed

The fuzzers read their control bytes first (see each fuzzer's doc comment):
  HTTPRequestFuzzer, ChunkedBodyFuzzer: byte 0 = limits + 3 * cut size index, byte 1 = cut seed
  GzipFuzzer: byte 0 even = inflate under cap index (byte >> 1) % 8; odd = compression round trip
  OrderBatchFuzzer: no control bytes, the file is the body
  LineBatchFuzzer: byte 0 bit 0 = format (0 NDJSON, 1 CSV), the rest = chunk seed; then the body
"""
import gzip
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

# Limits choices of FuzzLimits: 0 = defaults, 1 = medium, 2 = tiny. Cut sizes: 1, 2, 5, 16, 300, whole.
DEFAULT, MEDIUM, TINY = 0, 1, 2
BYTEWISE, SMALL, WHOLE = 0, 2, 5


def control(limits, cut, seed=7):
    return bytes([limits + 3 * cut, seed])


def write(fuzzer, name, data):
    folder = os.path.join(ROOT, fuzzer)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def http(text):
    return text.encode("latin-1")


ORDERS = b'[{"order_id":"A1001","order_date":"2025-08-08T10:00:00Z","order_status":"Processing"}]'

REQUESTS = {
    "get": "GET / HTTP/1.1\r\nHost: localhost:8080\r\nAccept: */*\r\n\r\n",
    "get-query": "GET /?status=Shipped&since=2025-08-01&limit=100&after=A1001 HTTP/1.1\r\nHost: a\r\n\r\n",
    "post-json": "POST / HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
    % (len(ORDERS), ORDERS.decode()),
    "pipelined": "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n[]"
    "GET /orders/A1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "chunked-extensions-trailers": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    '4;name=value;flag\r\n[{}]\r\n0;last\r\nX-Checksum: 1234\r\nX-Other: b\r\n\r\n',
    "expect-100-continue": "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n[]",
    "http10-keep-alive": "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
    "absolute-form": "GET http://example.com:8080/views/latest_order_v?limit=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
    "options-star": "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    "leading-crlf": "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "content-length-list": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nContent-Length: 003\r\n\r\nabc",
    "content-length-conflict": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "te-and-cl": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "te-gzip-chunked": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "obs-fold": "GET / HTTP/1.1\r\nHost: a\r\nX-Long: a\r\n b\r\n\r\n",
    "obs-text": "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9 \xff\r\n\r\n",
    "bare-lf": "GET / HTTP/1.1\nHost: a\n\n",
    "bare-cr": "GET / HTTP/1.1\rHost: a\r\n\r\n",
    "space-before-colon": "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    "two-hosts": "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "http2-version": "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    "bad-version": "GET / HTTX/1.1\r\nHost: a\r\n\r\n",
    "huge-content-length": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
    "incomplete-head": "POST / HTTP/1.1\r\nHost: a\r\nContent-Le",
    "incomplete-body": "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345",
    "gzip-upload-head": "POST / HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
    "Authorization: Bearer token\r\nX-Request-Id: 42\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
    "Content-Length: 0\r\n\r\n",
    "many-fields": "GET / HTTP/1.1\r\nHost: a\r\n" + "".join("X-F%d: v\r\n" % i for i in range(6)) + "\r\n",
    "long-request-line": "GET /" + "a" * 30 + " HTTP/1.1\r\nHost: a\r\n\r\n",
}

for name, text in REQUESTS.items():
    data = http(text)
    write("HTTPRequestFuzzer", name + ".default", control(DEFAULT, WHOLE) + data)
    write("HTTPRequestFuzzer", name + ".tiny-bytewise", control(TINY, BYTEWISE, 1) + data)
    write("HTTPRequestFuzzer", name + ".medium-small", control(MEDIUM, SMALL, 3) + data)

CHUNKED = {
    "empty": "0\r\n\r\n",
    "one-chunk": "5\r\nhello\r\n0\r\n\r\n",
    "extensions": '5;name=value;flag\r\nhello\r\n6 ;q="x y"\r\n world\r\n0;end\r\n\r\n',
    "trailers": "3\r\nabc\r\n0\r\nX-Checksum: abc\r\nX-Other:\r\n\r\n",
    "leading-zeros": "0005\r\nhello\r\n000\r\n\r\n",
    "upper-hex": "A\r\n0123456789\r\nf\r\n0123456789abcde\r\n0\r\n\r\n",
    "pipelined-after": "2\r\n[]\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "size-overflow": "FFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n",
    "bare-lf": "5\nhello\n0\n\n",
    "missing-crlf-after-data": "5\r\nhelloX0\r\n\r\n",
    "many-small": "".join("1\r\n%s\r\n" % c for c in "abcdefgh") + "0\r\n\r\n",
    "incomplete": "10\r\n0123",
    "no-digits": ";x\r\n\r\n",
    "control-in-extension": "1;a\x01\r\nx\r\n0\r\n\r\n",
    "trailer-bare-cr": "0\r\nX: a\rb\r\n\r\n",
}

for name, text in CHUNKED.items():
    data = http(text)
    write("ChunkedBodyFuzzer", name + ".default", control(DEFAULT, WHOLE) + data)
    write("ChunkedBodyFuzzer", name + ".tiny-bytewise", control(TINY, BYTEWISE, 1) + data)
    write("ChunkedBodyFuzzer", name + ".medium-small", control(MEDIUM, SMALL, 3) + data)


def gzip_member(payload, name=None, comment=None, extra=None, header_crc=False, level=6):
    """A gzip member (RFC 1952) with the optional header fields asked for."""
    flags = (0x02 if header_crc else 0) | (0x04 if extra else 0) | (0x08 if name else 0) | (0x10 if comment else 0)
    header = bytes([0x1F, 0x8B, 8, flags]) + struct.pack("<I", 0) + bytes([0, 3])
    if extra:
        header += struct.pack("<H", len(extra)) + extra
    if name:
        header += name + b"\0"
    if comment:
        header += comment + b"\0"
    if header_crc:
        header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = compressor.compress(payload) + compressor.flush()
    return header + body + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


def inflate_control(cap_index):
    return bytes([cap_index << 1])


plain = gzip.compress(ORDERS, mtime=0)
GZIP = {
    "orders": plain,
    "empty": gzip.compress(b"", mtime=0),
    "header-fields": gzip_member(ORDERS, name=b"orders.json", comment=b"seed", extra=b"AB\x02\x00hi", header_crc=True),
    "stored-block": gzip_member(ORDERS, level=0),
    "concatenated": plain + gzip.compress(b"[]", mtime=0),
    "truncated-header": plain[:5],
    "truncated-data": plain[: len(plain) // 2],
    "truncated-trailer": plain[:-3],
    "bad-crc": plain[:-8] + b"\0\0\0\0" + plain[-4:],
    "bad-length": plain[:-4] + b"\1\0\0\0",
    "trailing-garbage": plain + b"garbage",
    "trailing-zeros": plain + b"\0" * 8,
    "not-gzip": ORDERS,
    "zlib-not-gzip": zlib.compress(ORDERS),
    "bomb-100k-zeros": gzip.compress(b"\0" * 100_000, mtime=0, compresslevel=9),
    "exactly-64k": gzip.compress(b"x" * 65_536, mtime=0),
}
caps = {"orders": 2, "bomb-100k-zeros": 4, "exactly-64k": 4}
for name, data in GZIP.items():
    write("GzipFuzzer", name + ".inflate", inflate_control(caps.get(name, 6)) + data)
write("GzipFuzzer", "bomb-100k-zeros.cap-4096", inflate_control(3) + GZIP["bomb-100k-zeros"])
write("GzipFuzzer", "exactly-64k.cap-65536", inflate_control(4) + GZIP["exactly-64k"])
write("GzipFuzzer", "orders.round-trip", bytes([1]) + ORDERS)
write("GzipFuzzer", "binary.round-trip", bytes([3]) + bytes(range(256)))
write("GzipFuzzer", "empty.round-trip", bytes([5]))

BATCHES = {
    "readme-example": """[
  {"order_id": "A1001", "order_date": "2025-08-08T10:00:00Z", "order_status": "Processing",
   "order_details": "Laptop, Mouse"},
  {"order_id": 1002, "order_date": "2025-08-08", "order_status": "Shipped",
   "updated_at": "2025-08-09T08:30:00+02:00", "carrier": "DHL"}
]""",
    "one-object": '{"order_id":"x","order_date":"2025-01-01","order_status":"New"}',
    "big-integers": '[{"order_id":123456789012345678901234567890,"order_date":"2025-01-01","order_status":"a"},'
    '{"order_id":1.5e+22,"order_date":"2025-01-01","order_status":"b","n":[-0,1.0,1e0,0.000001,1e-7,1E400]}]',
    "fraction-id": '[{"order_id":1.5,"order_date":"2025-01-01","order_status":"a"}]',
    "unicode-escapes": '[{"order_id":"caf\\u00e9 \\ud83d\\ude00","order_date":"2025-01-01",'
    '"order_status":"\\u00a0Shipped\\u2003","order_details":"line\\nbreak \\"quoted\\" \\\\ \\/ \\b\\f\\r\\t \\u0001"}]',
    "raw-utf8": '[{"order_id":"Zürich–日本-😀","order_date":"2025-01-01","order_status":"Geliefert"}]',
    "lone-surrogate": '[{"order_id":"\\ud800","order_date":"2025-01-01","order_status":"a"}]',
    "dates": '[{"order_id":"d1","order_date":"2025-08-08t10:00:00.123456+02:00","order_status":"a",'
    '"updated_at":"2025-12-31 23:59:60Z"},'
    '{"order_id":"d2","order_date":"9999-12-31T23:59:59.999Z","order_status":"a","updated_at":"2024-02-29"},'
    '{"order_id":"d3","order_date":"0000-01-01T00:30:00+01:00","order_status":"a"},'
    '{"order_id":"d4","order_date":"2025-02-29","order_status":"a","updated_at":"2025-01-01T00:00:00-23:59"}]',
    "nested-details": '[{"order_id":"n","order_date":"2025-01-01","order_status":"a",'
    '"order_details":{"items":[{"sku":"X","qty":2,"price":19.90}],"gift":true,"note":null,"z":{},"a":[]}}]',
    "invalid-items": '[1,"x",null,{},{"order_id":"","order_date":"yesterday","order_status":"","updated_at":5},'
    '{"order_id":true,"order_date":"2025-13-01","order_status":["a"]}]',
    "duplicate-key": '[{"order_id":"a","order_id":"b","order_date":"2025-01-01","order_status":"a"}]',
    "bom-and-whitespace": '\ufeff \t\r\n [ {"order_id":"b","order_date":"2025-01-01","order_status":"a"} ] \n',
    "deep-nesting": '[{"order_id":"deep","order_date":"2025-01-01","order_status":"a","order_details":'
    + "[" * 62 + "]" * 62 + "}]",
    "too-deep": "[" * 70 + "]" * 70,
    "empty-array": "[]",
    "scalar": "42",
    "trailing-comma": '[{"order_id":"a","order_date":"2025-01-01","order_status":"a"},]',
    "unterminated": '[{"order_id":"a","order_date":"2025-01-01","order_status":"a"',
    "control-chars": '[{"order_id":"a\\u0007","order_date":"2025-01-01","order_status":"a\\u007f"}]',
    "long-id": '[{"order_id":"%s","order_date":"2025-01-01","order_status":"a"}]' % ("x" * 257),
    "many-orders": "[" + ",".join(
        '{"order_id":%d,"order_date":"2025-01-0%dT00:00:00Z","order_status":"s"}' % (i, i % 9 + 1) for i in range(5)
    ) + "]",
    "keys-unicode-order": '[{"order_id":"k","order_date":"2025-01-01","order_status":"a",'
    '"é":1,"e\\u0301":2,"\\u0000":3,"Z":4,"a":5}]',
}
for name, text in BATCHES.items():
    write("OrderBatchFuzzer", name + ".json", text.encode("utf-8"))


# NDJSON and CSV bodies: the README's examples, then the broken shapes the readers must refuse.
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
NDJSON = {
    "example": open(os.path.join(EXAMPLES, "orders.ndjson"), "rb").read(),
    "crlf-blank-lines": b'{"order_id":"a","order_date":"2025-08-08","order_status":"x"}\r\n\r\n \n'
    + b'{"order_id":2,"order_date":"2025-08-08T10:00:00Z","order_status":"y","order_details":[1]}',
    "invalid-line": b'{"order_id":"a","order_date":"2025-08-08","order_status":"x"}\n{"order_id":"b"}\n[1]\n',
    "syntax-error": b'{"order_id":"a",}\n',
    "bom": b'\xef\xbb\xbf{"order_id":"a","order_date":"2025-08-08","order_status":"x"}',
    "long-line": b'{"order_id":"' + b"x" * 600 + b'"}\n',
}
CSV = {
    "example": open(os.path.join(EXAMPLES, "orders.csv"), "rb").read(),
    "quoted": b'order_id,order_date,order_status,order_details\r\n"a,1",2025-08-08,"p""q","l1\r\nl2"\r\n',
    "ragged": b"order_id,order_date,order_status\na,2025-08-08\nb,2025-08-08,x,y\n",
    "header-only": b"Order_ID , ORDER_DATE,order_status\n",
    "duplicate-header": b"order_id,order_id,order_date,order_status\n",
    "unterminated": b'order_id,order_date,order_status\n"a,2025-08-08,x\n',
    "nul-and-bad-utf8": b"order_id,order_date,order_status\na\x00,2025-08-08,\xc3\x28\n",
    "bom-json-details": b'\xef\xbb\xbforder_id,order_date,order_status,order_details_json\na,2025-08-08,x,"{""k"":[1]}"\n',
}
for name, body in NDJSON.items():
    write("LineBatchFuzzer", name + ".ndjson", bytes([0x00]) + body)
    write("LineBatchFuzzer", name + ".ndjson-split", bytes([0x0E]) + body)
for name, body in CSV.items():
    write("LineBatchFuzzer", name + ".csv", bytes([0x01]) + body)
    write("LineBatchFuzzer", name + ".csv-split", bytes([0x0F]) + body)
