"""The coaching log: activities with teachers by role, minutes by role and by teacher."""

from .views import bp

__all__ = ["bp"]
