"""The star the demo dataset intends for each of its products: a deterministic draw that the
demo's recognition history (``plans.demo``, ``demo.certificates``) turns into decisions and
certificates. Never shown: a product shows the stars of its certificate in force
(``registry.stars``); a product whose demo certificate expired or was revoked shows none.
"""

from __future__ import annotations

import random

SEED = 2026


def draw_stars(rng: random.Random) -> int | None:
    """~80% recognised; among them about 75% 3★, 23% 4★, 2% 5★ (domain.md §9)."""
    if rng.random() < 0.2:
        return None
    return rng.choices([3, 4, 5], weights=[75, 23, 2])[0]


def product_rng(product) -> random.Random:
    """The random stream of a demo product's details (its first draw is its star)."""
    return random.Random(f"{SEED}-product-{product.pk}-{product.name}")


def intended_stars(product) -> int | None:
    return draw_stars(product_rng(product))
