"""The actor kinds' colours stay apart for colour-blind readers and carry white text.

Colour-vision deficiency is simulated with the matrices of Machado, Oliveira and
Fernandes (2009, severity 1.0) on linear RGB; distance is CIE76 ΔE in CIELAB.
"""

from __future__ import annotations

import itertools
import math

import pytest

from vemgorvad.ui.viewmodels.common import ACTOR_STYLES, OTHER_STYLE

SIMULATIONS = {
    "normal": None,
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}
MIN_DELTA_E = 10.0
"""Two colours this far apart are told apart at a glance (ΔE 2.3 is just noticeable)."""


def _linear(channel: float) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(max(c, 0.0), 1.0)
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _rgb(colour: str) -> list[float]:
    return [float(int(colour[i : i + 2], 16)) for i in (1, 3, 5)]


def _seen(colour: str, matrix) -> list[float]:
    linear = [_linear(c) for c in _rgb(colour)]
    if matrix is not None:
        linear = [sum(matrix[i][j] * linear[j] for j in range(3)) for i in range(3)]
    return [_gamma(c) * 255 for c in linear]


def _lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


COLOURS = [colour for _, colour in ACTOR_STYLES.values()] + [OTHER_STYLE[1]]


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_every_two_kinds_look_different(vision):
    matrix = SIMULATIONS[vision]
    for a, b in itertools.combinations(COLOURS, 2):
        distance = math.dist(_lab(_seen(a, matrix)), _lab(_seen(b, matrix)))
        assert distance >= MIN_DELTA_E, (vision, a, b, round(distance, 1))


def test_white_labels_are_readable_on_every_kind():
    for colour in COLOURS:
        r, g, b = (_linear(c) for c in _rgb(colour))
        luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
        assert 1.05 / (luminance + 0.05) >= 4.5, colour
