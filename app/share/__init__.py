from . import cycle_views
from .views import bp

cycle_bp = cycle_views.bp

__all__ = ["bp", "cycle_bp"]
