"""Voice notes and drawings for the demo, made here so the demo ships no sound or picture
files: a short spoken-sounding WAV (syllables of a voice-like tone) and a child's drawing
of the lost key from Amara's story."""

from __future__ import annotations

import io
import math
import struct
import wave

RATE = 8000


def voice_wav(*, seconds: float = 2.5, pitch: float = 220.0, seed: int = 1) -> bytes:
    """A mono 16-bit WAV that rises and falls in syllables, like a voice heard from a room
    away: a pitched tone with two formants, shaped into four or five syllables a second."""
    frames = bytearray()
    total = int(seconds * RATE)
    syllable = 0.22 + 0.03 * (seed % 3)
    for index in range(total):
        time = index / RATE
        envelope = max(0.0, math.sin(math.pi * (time % syllable) / syllable)) ** 2
        glide = pitch * (1 + 0.08 * math.sin(2 * math.pi * 0.7 * time + seed))
        sample = (
            0.6 * math.sin(2 * math.pi * glide * time)
            + 0.25 * math.sin(2 * math.pi * glide * 3.1 * time)
            + 0.15 * math.sin(2 * math.pi * glide * 5.3 * time)
        )
        frames += struct.pack("<h", int(9000 * envelope * sample))
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(RATE)
        sound.writeframes(bytes(frames))
    return out.getvalue()


def key_drawing_png() -> bytes:
    """Amara's drawing of the lost key in the dog's bowl, in felt-tip colours."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (640, 400), "white")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((150, 250, 490, 370), outline="#1d5fbf", width=8)  # the dog's bowl
    draw.line((170, 300, 470, 300), fill="#1d5fbf", width=6)
    draw.ellipse((250, 120, 330, 200), outline="#b58900", width=10)  # the key's bow
    draw.line((330, 160, 470, 160), fill="#b58900", width=10)  # its shaft
    draw.line((440, 160, 440, 195), fill="#b58900", width=10)  # its teeth
    draw.line((465, 160, 465, 190), fill="#b58900", width=10)
    for ray in range(8):  # shiny
        angle = ray * math.pi / 4
        x, y = 290 + 70 * math.cos(angle), 160 + 70 * math.sin(angle)
        draw.line(
            (x, y, x + 18 * math.cos(angle), y + 18 * math.sin(angle)), fill="#c0392b", width=5
        )
    draw.text((30, 30), "Found it!", fill="#6f2da8", font_size=40)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()
