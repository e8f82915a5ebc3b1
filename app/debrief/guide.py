"""The conversation guide: GROW question stems, shown beside the evidence.

The coach asks; the teacher does most of the talking. Stems are starting points, not a script."""

from __future__ import annotations

GROW = (
    (
        "Goal",
        (
            "Looking at the goal we set, what would success look like in the next lesson?",
            "Which part of the goal matters most to you right now?",
        ),
    ),
    (
        "Reality",
        (
            "What do you notice in this data?",
            "What surprised you? What confirmed what you expected?",
            "Where in the timeline did students do most of the thinking?",
        ),
    ),
    (
        "Options",
        (
            "What could you try to move this number toward the target?",
            "What has worked for you before in a similar moment?",
            "If there were no constraints, what would you do?",
        ),
    ),
    (
        "Will",
        (
            "Which one move will you try before the next observation?",
            "What support would help you do it?",
            "How will we know it worked? What should I look for next time?",
        ),
    ),
)
