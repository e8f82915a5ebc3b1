from . import lookfor_views  # noqa: F401  (the look-for editor's routes, on the same blueprint)
from .views import bp

__all__ = ["bp"]
