"""The goal as a measure: its value in each observation, baseline, target and progress."""

from .views import bp

__all__ = ["bp"]
