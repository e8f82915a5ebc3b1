from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .offers import MAX_SLOTS
from .services import KIND_LABELS, MAX_MINUTES

KIND_CHOICES = [SelectChoice(value, label) for value, label in KIND_LABELS.items()]
# A browser's time input sends HH:MM, or HH:MM:SS when it offers seconds.
TIME_FORMATS = ["%H:%M", "%H:%M:%S"]


def _teacher_choices(teachers) -> list[SelectChoice]:
    return [SelectChoice(teacher.id, teacher.name) for teacher in teachers]


class VisitForm(FlaskForm):
    teacher = SelectField("Teacher", coerce=int, validators=[InputRequired()])
    kind = SelectField("Kind", choices=KIND_CHOICES, default="observation")
    date = DateField("Date", validators=[InputRequired("Enter the date.")])
    start_time = TimeField("Start time", format=TIME_FORMATS,
                           validators=[InputRequired("Enter the start time.")])
    minutes = IntegerField("Minutes", default=45, validators=[
        InputRequired("Enter how many minutes."),
        NumberRange(1, MAX_MINUTES, f"Use 1 to {MAX_MINUTES} minutes.")])
    place = StringField("Place", validators=[Optional(), Length(max=120)])
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save")

    def __init__(self, *args, caseload=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teacher.choices = _teacher_choices(caseload)


class SlotForm(Form):
    """One offered time (a row may be left empty)."""

    date = DateField("Date", validators=[Optional()])
    start_time = TimeField("Start time", format=TIME_FORMATS, validators=[Optional()])


class OfferForm(FlaskForm):
    teachers = SelectMultipleField("Teachers", coerce=int,
                                   validators=[DataRequired("Choose at least one teacher.")])
    kind = SelectField("Kind", choices=KIND_CHOICES, default="debrief")
    minutes = IntegerField("Minutes", default=30, validators=[
        InputRequired("Enter how many minutes."),
        NumberRange(1, MAX_MINUTES, f"Use 1 to {MAX_MINUTES} minutes.")])
    place = StringField("Place", validators=[Optional(), Length(max=120)])
    note = TextAreaField("Note for the teacher", validators=[Optional(), Length(max=2000)])
    slots = FieldList(FormField(SlotForm), min_entries=MAX_SLOTS, max_entries=MAX_SLOTS)
    submit = SubmitField("Make links")

    def __init__(self, *args, caseload=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.teachers.choices = _teacher_choices(caseload)

    def times(self) -> list:
        """The (date, start) pairs filled in; a half-filled row is an error on the form."""
        times = []
        for number, row in enumerate(self.slots, start=1):
            day, start = row.date.data, row.start_time.data
            if day and start:
                times.append((day, start))
            elif day or start:
                raise ValueError(f"Time {number}: enter both the date and the start time.")
        return times
