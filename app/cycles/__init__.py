from . import conversation_views, lookfor_views, manage_views  # noqa: F401  (routes on the same blueprint)
from .views import bp

__all__ = ["bp"]
