from . import conversation_views, lookfor_views, manage_views  # noqa: F401  (routes on the same blueprint)
from .tools_views import bp as tools_bp
from .views import bp

__all__ = ["bp", "tools_bp"]
