"""The conversation guide: GROW question stems, shown beside the evidence, each step with a
field for the coach's notes of what was said (Debrief.grow_notes, keyed by the step's key).

The coach asks; the teacher does most of the talking. Stems are starting points, not a script."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    key: str  # the key of its notes in Debrief.grow_notes, and of its form field
    name: str
    notes_label: str
    stems: tuple[str, ...]

    @property
    def field(self) -> str:
        return f"grow_{self.key}"


GROW = (
    Stage(
        "goal",
        "Goal",
        "Goal notes",
        (
            "Looking at the goal we set, what would success look like in the next lesson?",
            "Which part of the goal matters most to you right now?",
        ),
    ),
    Stage(
        "reality",
        "Reality",
        "Reality notes",
        (
            "What do you notice in this data?",
            "What surprised you? What confirmed what you expected?",
            "Where in the timeline did students do most of the thinking?",
        ),
    ),
    Stage(
        "options",
        "Options",
        "Options notes",
        (
            "What could you try to move this number toward the target?",
            "What has worked for you before in a similar moment?",
            "If there were no constraints, what would you do?",
        ),
    ),
    Stage(
        "way_forward",
        "Will",
        "Way forward notes",
        (
            "Which one move will you try before the next observation?",
            "What support would help you do it?",
            "How will we know it worked? What should I look for next time?",
        ),
    ),
)
GROW_KEYS = tuple(stage.key for stage in GROW)
