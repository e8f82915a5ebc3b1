from . import cycle_views, links
from .views import bp

cycle_bp = cycle_views.bp
links_bp = links.bp

__all__ = ["bp", "cycle_bp", "links_bp"]
