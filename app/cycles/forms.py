from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..library.services import library
from ..models import CycleStatus, FocusArea

DEFAULT_NORMS = "Debrief within 24 hours of each observation"


def choices(options) -> list[SelectChoice]:
    return [SelectChoice(option.value, option.label) for option in options]


class CycleForm(FlaskForm):
    goal = TextAreaField("Goal", validators=[DataRequired(), Length(max=2000)])
    focus_area = SelectField(
        "Focus area",
        choices=choices(FocusArea),
        default=FocusArea.STUDENT_OUTCOMES.value,
    )
    baseline = StringField("Baseline", validators=[Optional(), Length(max=500)])
    target = StringField("Target", validators=[Optional(), Length(max=500)])
    norms = TextAreaField("Norms", default=DEFAULT_NORMS, validators=[Length(max=2000)])
    planning_notes = TextAreaField("Planning notes", validators=[Length(max=10_000)])
    lookfors = TextAreaField("Look-fors", validators=[Length(max=5000)])
    # Checkboxes, one per library tool (templates/library/_choices.html renders them).
    tools = SelectMultipleField("Add from the library")
    submit = SubmitField("Save")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tools.choices = [(tool.slug, tool.title) for tool in library()]


class StatusForm(FlaskForm):
    status = SelectField("Status", choices=choices(CycleStatus))


class PlanningForm(FlaskForm):
    planning_notes = TextAreaField("Planning notes", validators=[Length(max=10_000)])
    submit = SubmitField("Save planning notes")


class CycleEditForm(FlaskForm):
    """Edit a cycle's goal, baseline, target and norms (app/cycles/manage.py checks them)."""

    goal = TextAreaField("Goal")
    baseline = StringField("Baseline")
    target = StringField("Target")
    norms = TextAreaField("Norms")
    submit = SubmitField("Save changes")
