#!/usr/bin/env python3
"""Draws the app's icons (the brand mark: three rising bars) as small indexed PNGs.

Run once when the design changes; the PNGs are committed (app/pwa/). Standard library only.
`maskable` keeps the mark inside the central 80 % safe zone (the platform crops the rest).
"""
import struct
import sys
import zlib
from pathlib import Path

RED = (200, 16, 46)      # --accent
WHITE = (255, 255, 255)
PALE = (245, 198, 205)   # the first bar, lighter, as in the CSS mark


def png(size, pixels, palette):
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    plte = b"".join(bytes(c) for c in palette)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", plte)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def draw(size, maskable):
    # Background 0 = red; 1 = white bar; 2 = pale bar. A rounded square unless maskable (full bleed).
    inset = 0.20 if maskable else 0.12
    radius = 0 if maskable else size * 0.22
    px = [[0] * size for _ in range(size)]
    # Outside the rounded square: transparent is not needed (tRNS avoided); use red everywhere.
    area = size * (1 - 2 * inset)
    left = size * inset
    bar_w = area / 5
    gap = (area - 3 * bar_w) / 2
    heights = [0.42, 0.68, 1.0]
    for i, h in enumerate(heights):
        x0 = left + i * (bar_w + gap)
        y1 = size * (1 - inset)
        y0 = y1 - area * h
        colour = 2 if i == 0 else 1
        r = bar_w * 0.3
        for y in range(int(y0), int(y1)):
            for x in range(int(x0), int(x0 + bar_w)):
                # round the bar's top corners
                cx = min(max(x + 0.5, x0 + r), x0 + bar_w - r)
                cy = max(y + 0.5, y0 + r)
                if (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r * r:
                    px[y][x] = colour
    if radius:
        # Corners outside the rounded square become white (launchers draw their own background).
        for y in range(size):
            for x in range(size):
                cx = min(max(x + 0.5, radius), size - radius)
                cy = min(max(y + 0.5, radius), size - radius)
                if (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 > radius * radius:
                    px[y][x] = 1
    return px


def main(out):
    out = Path(out)
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True), ("apple-touch-icon.png", 180, True)]:
        (out / name).write_bytes(png(size, draw(size, maskable), [RED, WHITE, PALE]))
        print(name, (out / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "app/pwa")
