"""The lowest point of a two-dimensional quadratic bowl on the L1 diamond and on the L2 disc.

The constrained view of lasso and ridge: minimise a loss ½(w − c)ᵀA(w − c) subject to
‖w‖₁ ≤ r (the diamond, corners on the axes) or ‖w‖₂ ≤ r (the disc). With the bowl's centre c
outside the ball, the minimum is on the boundary, where the smallest loss contour touching
the ball meets it.

Both minimisers are exact, not iterative searches that happen to stop near an axis. The disc:
w(μ) = (A + μI)⁻¹Ac (the ridge solution) shrinks in norm as μ grows, and μ is found by
bisection to double precision. The diamond: the minimum over each of its four edges is a
one-dimensional quadratic, clamped to the edge; a clamp puts the point on a vertex, which is
built from the vertex itself, so a coordinate there is exactly 0.0. Everything works on K bowls
at once (leading axis).
"""

from __future__ import annotations

import numpy as np

BISECTIONS = 100  # halvings of μ's bracket: 2^-100 of it, below double precision


def random_bowls(
    rng: np.random.Generator, count: int, radius: float, max_condition: float
) -> tuple[np.ndarray, np.ndarray]:
    """`count` bowls: centres (count, 2) at 1.5 to 3 radii from 0 in a uniform direction (outside
    both balls), curvature matrices (count, 2, 2) at a uniform angle with a condition number
    log-uniform in [1, max_condition]."""
    direction = rng.uniform(0.0, 2.0 * np.pi, count)
    distance = rng.uniform(1.5, 3.0, count) * radius
    centres = distance[:, None] * np.column_stack([np.cos(direction), np.sin(direction)])
    angle = rng.uniform(0.0, np.pi, count)
    condition = max_condition ** rng.uniform(0.0, 1.0, count)
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.stack([np.column_stack([cos, -sin]), np.column_stack([sin, cos])], axis=1)
    scales = np.stack([np.ones(count), condition], axis=1)
    curvature = rotation @ (scales[:, :, None] * rotation.swapaxes(1, 2))
    return centres, curvature


def loss(w: np.ndarray, centres: np.ndarray, curvature: np.ndarray) -> np.ndarray:
    """½(w − c)ᵀA(w − c) for points w of shape (K, 2) or (K, M, 2).

    Written out for 2 x 2 matrices: the boundary check evaluates it at 400,000 points, where
    einsum's general contraction took most of the proof's time.
    """
    if w.ndim == 3:
        centres, curvature = centres[:, None, :], curvature[:, None, :, :]
    d0, d1 = w[..., 0] - centres[..., 0], w[..., 1] - centres[..., 1]
    a, b, c = curvature[..., 0, 0], curvature[..., 0, 1], curvature[..., 1, 1]
    return 0.5 * (a * d0 * d0 + 2.0 * b * d0 * d1 + c * d1 * d1)


def on_disc(centres: np.ndarray, curvature: np.ndarray, radius: float) -> np.ndarray:
    """The minimiser over ‖w‖₂ ≤ radius of each bowl (centres outside the disc).

    In A's eigenbasis w(μ) has coordinates aᵢĉᵢ / (aᵢ + μ), whose norm falls as μ grows; μ is
    bisected until that norm is the radius.
    """
    values, vectors = np.linalg.eigh(curvature)
    pulled = values * np.einsum("kji,kj->ki", vectors, centres)  # aᵢĉᵢ

    def norm(mu: np.ndarray) -> np.ndarray:
        return np.sqrt(np.sum((pulled / (values + mu[:, None])) ** 2, axis=1))

    low = np.zeros(len(centres))
    high = values[:, -1] * np.linalg.norm(centres, axis=1) / radius  # there the norm <= radius
    for _ in range(BISECTIONS):
        mid = 0.5 * (low + high)
        outside = norm(mid) > radius
        low, high = np.where(outside, mid, low), np.where(outside, high, mid)
    return np.einsum("kij,kj->ki", vectors, pulled / (values + high[:, None]))


def _diamond_edges(radius: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The diamond's four edges as (start, end) vertices, counter-clockwise from (radius, 0)."""
    vertices = radius * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    return list(zip(vertices, np.roll(vertices, -1, axis=0), strict=True))


def on_diamond(centres: np.ndarray, curvature: np.ndarray, radius: float) -> np.ndarray:
    """The minimiser over ‖w‖₁ ≤ radius of each bowl (centres outside the diamond)."""
    best = np.zeros_like(centres)
    best_loss = np.full(len(centres), np.inf)
    for start, end in _diamond_edges(radius):
        edge = end - start
        along = np.einsum("i,kij,kj->k", edge, curvature, centres - start)
        t = np.clip(along / np.einsum("i,kij,j->k", edge, curvature, edge), 0.0, 1.0)
        point = start + t[:, None] * edge
        point = np.where((t == 0.0)[:, None], start, np.where((t == 1.0)[:, None], end, point))
        value = loss(point, centres, curvature)
        better = value < best_loss
        best = np.where(better[:, None], point, best)
        best_loss = np.where(better, value, best_loss)
    return best


def diamond_outline(radius: float, per_edge: int) -> np.ndarray:
    """Points around the diamond's boundary, its four vertices included, shape (4 per_edge, 2)."""
    t = np.linspace(0.0, 1.0, per_edge, endpoint=False)[:, None]
    return np.concatenate([a + t * (b - a) for a, b in _diamond_edges(radius)])


def circle_outline(radius: float, points: int) -> np.ndarray:
    """Points around the circle of the given radius, shape (points, 2)."""
    angle = np.linspace(0.0, 2.0 * np.pi, points, endpoint=False)
    return radius * np.column_stack([np.cos(angle), np.sin(angle)])


def contour(centre: np.ndarray, curvature: np.ndarray, level: float, points: int) -> np.ndarray:
    """The closed curve ½(w − c)ᵀA(w − c) = level around one bowl's centre, shape (points, 2)."""
    values, vectors = np.linalg.eigh(curvature)
    angle = np.linspace(0.0, 2.0 * np.pi, points)
    unit = np.column_stack([np.cos(angle), np.sin(angle)])
    return centre + (unit * np.sqrt(2.0 * level / values)) @ vectors.T
