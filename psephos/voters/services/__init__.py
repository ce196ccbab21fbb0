"""Services of the voters app; ``register_generate`` is what ``psephos simulate --full-register`` calls."""

from .generate import register_generate

__all__ = ["register_generate"]
