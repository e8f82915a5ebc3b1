from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from ..models import Teacher
from ..security import MAX_ID
from .services import MAX_MINUTES, MAX_NOTE, ROLE_LABELS, ROLES


def _teacher_id(value: object) -> int | None:
    """The select's value as an id; anything that is not one is None (the service then asks
    the coach to choose one of their teachers)."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 1 <= number <= MAX_ID else None


class LogEntryForm(FlaskForm):
    # Ownership is the service's check; the choices are only what the select shows.
    teacher = SelectField("Teacher", coerce=_teacher_id, validate_choice=False)
    role = SelectField("Role", choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES])
    on_date = DateField("Date", validators=[InputRequired("Enter the date it happened.")])
    minutes = IntegerField("Minutes", validators=[
        InputRequired("Enter the minutes it took."),
        NumberRange(1, MAX_MINUTES, f"Enter the minutes it took, from 1 to {MAX_MINUTES}.")])
    note = StringField("Note", validators=[Length(max=MAX_NOTE)])
    save = SubmitField("Save")

    def __init__(self, *args, teachers: list[Teacher], **kwargs):
        super().__init__(*args, **kwargs)
        self.teacher.choices = [
            SelectChoice(t.id, t.name + (" (archived)" if t.archived_at else ""))
            for t in teachers]

    def values(self) -> dict:
        return {"teacher_id": self.teacher.data, "role": self.role.data,
                "on_date": self.on_date.data, "minutes": self.minutes.data,
                "note": self.note.data}


class DeleteEntryForm(FlaskForm):
    delete = SubmitField("Delete entry")
