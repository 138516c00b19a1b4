"""crosswheel: a PEP 517 build backend that turns CMake projects into wheels, natively and cross-compiled."""

__version__ = "0.1.0"
