"""A customer's signature as the signature pad captures it (a PNG data URL), drawn by code for the demo
data: one looping stroke and an underline, as a hand would write them."""

import base64
import math
import struct
import zlib


def drawn_signature() -> str:
    """A signature as the pad captures it (a PNG data URL): one looping stroke and an underline, drawn here
    in dark grey on white, 300 x 100 pixels."""
    width, height = 300, 100
    pixels = bytearray([255]) * (width * height)

    def dab(x: float, y: float) -> None:  # a pen about 3 px wide
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                px, py = int(x) + dx, int(y) + dy
                if 0 <= px < width and 0 <= py < height:
                    pixels[py * width + px] = 30

    steps = 2400
    for i in range(steps):
        t = i / steps
        dab(25 + 240 * t + 12 * math.cos(t * math.pi * 14), 48 + 20 * math.sin(t * math.pi * 14) * (1 - 0.4 * t))
    for i in range(210):
        dab(35 + i, 84 + 2 * math.sin(i / 14))
    rows = b"".join(b"\x00" + bytes(pixels[y * width : (y + 1) * width]) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(png).decode()
