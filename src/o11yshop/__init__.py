"""o11yshop: a real e-commerce shop for learning AWS observability."""

__version__ = "0.1.0"
