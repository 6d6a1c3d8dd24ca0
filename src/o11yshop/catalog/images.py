"""Product pictures drawn locally with Pillow: nothing is downloaded, every product has one."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = 480
_PALETTES = [
    ((30, 58, 138), (96, 165, 250)),
    ((20, 83, 45), (74, 222, 128)),
    ((124, 45, 18), (251, 146, 60)),
    ((88, 28, 135), (192, 132, 252)),
    ((15, 118, 110), (94, 234, 212)),
    ((153, 27, 27), (248, 113, 113)),
    ((113, 63, 18), (250, 204, 21)),
    ((30, 41, 59), (148, 163, 184)),
]


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def image_key_for(sku: str) -> str:
    return f"products/{sku.lower()}.png"


def draw_product_image(media_dir: Path, sku: str, name: str, category: str) -> str:
    """Draw the picture of a product and return its key (its path under ``media_dir``)."""
    key = image_key_for(sku)
    path = media_dir / key
    path.parent.mkdir(parents=True, exist_ok=True)
    seed = int.from_bytes(hashlib.sha256(sku.encode()).digest()[:4], "big")
    dark, light = _PALETTES[seed % len(_PALETTES)]
    image = Image.new("RGB", (SIZE, SIZE), dark)
    draw = ImageDraw.Draw(image)
    for step in range(SIZE):  # a vertical gradient
        mix = step / SIZE
        colour = tuple(int(d + (c - d) * mix) for d, c in zip(dark, light, strict=True))
        draw.line([(0, step), (SIZE, step)], fill=colour)
    shape = seed % 3
    box = (120, 110, 360, 350)
    if shape == 0:
        draw.ellipse(box, fill=(255, 255, 255), outline=dark, width=6)
    elif shape == 1:
        draw.rounded_rectangle(box, radius=36, fill=(255, 255, 255), outline=dark, width=6)
    else:
        draw.polygon([(240, 100), (370, 350), (110, 350)], fill=(255, 255, 255), outline=dark)
    initials = "".join(word[0] for word in name.split()[:2]).upper() or "?"
    draw.text((240, 240), initials, fill=dark, font=_font(72), anchor="mm")
    draw.text((240, 420), category[:28], fill=(255, 255, 255), font=_font(26), anchor="mm")
    image.save(path, format="PNG", compress_level=6)
    return key
