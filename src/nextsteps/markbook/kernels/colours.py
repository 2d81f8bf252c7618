"""The text colour that reads on a level's colour (WCAG 1.4.3 contrast)."""

from __future__ import annotations


def text_colour(background: str) -> str:
    """White or near-black, whichever contrasts more with the level's colour; pure black for
    the few mid-tones where neither reaches 4.5:1. For any colour the better of white and
    black reaches at least 4.58:1 (WCAG 1.4.3)."""
    best = max(("#ffffff", "#0b0c0c"), key=lambda ink: contrast(background, ink))
    return best if contrast(background, best) >= 4.5 else "#000000"


def contrast(one: str, two: str) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    try:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    except ValueError:
        return 1.0
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
