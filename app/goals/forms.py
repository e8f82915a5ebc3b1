from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from ..kinds.base import Measure
from .services import MAX_GOAL

NO_MEASURE = "No measure: the goal stays in words"


class NumberField(FloatField):
    """A number field (type=number, step any) whose error names the field."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a number.") from None

    def _value(self) -> str:
        # 60, not 60.0: the coach typed 60.
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data, ".12g")


class MeasureForm(FlaskForm):
    # The options come from the cycle's look-fors; the service refuses a key they do not offer.
    measure = SelectField("Measure", choices=[], validate_choice=False)
    baseline_value = NumberField("Baseline value", validators=[Optional()])
    target_value = NumberField("Target value", validators=[Optional()])
    baseline_from_first = BooleanField("Take the baseline from the first observation")
    submit = SubmitField("Save measure")

    def offer(self, measures: list[Measure]) -> MeasureForm:
        # Each option carries its unit, so the page shows "%" beside the numbers for a percent
        # measure as soon as it is chosen (CSS :has(), no script).
        self.measure.choices = [("", NO_MEASURE, {})] + [
            (m.key, m.label, {"data-unit": m.unit}) for m in measures]
        return self

    def first_error(self) -> str:
        return next((message for messages in self.errors.values() for message in messages),
                    "Check the measure, baseline and target.")


class NextGoalForm(FlaskForm):
    goal = TextAreaField("Next goal", validators=[Length(max=MAX_GOAL)])
    submit = SubmitField("Set the next goal")
