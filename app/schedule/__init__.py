from .booking_views import bp as booking_bp
from .calendar_views import bp as calendar_bp
from .views import bp

__all__ = ["booking_bp", "bp", "calendar_bp"]
