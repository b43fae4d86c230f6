"""nclplan: synthesis protocol planner for atomically precise metal nanoclusters."""

__version__ = "0.1.0"

__all__ = ["__version__"]
