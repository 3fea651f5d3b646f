"""kg: turn study notes into a cited RDF knowledge graph and answer questions from it.

The library never prints or exits; the `cli` package is the command line.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
