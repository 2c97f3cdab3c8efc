"""What the admin's forms take from a request before their fields have checked it: ids of chosen rows,
initial values from the address of an add page, and how many inline rows a posted form may ask for."""

from django import forms
from django.core.exceptions import ValidationError

# The widest id any database here stores (a 64-bit signed integer): SQLite raises OverflowError on a wider one.
LARGEST_ID = 2**63 - 1


def _is_id(value):
    """Whether `value` could be a row's id: digits (as Django reads them) within the 64-bit range."""
    try:
        return 0 <= int(str(value).strip()) <= LARGEST_ID
    except ValueError:
        return False


class CheckedIdsMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows chosen by id, where an id that is not a number, or too wide for a database column, is
    refused like one that names no row; the widget shows only the chosen ids that could be rows.

    Django looks a posted `?topics=99999999999999999999` up as it comes (an OverflowError on SQLite) and
    the autocomplete widget looks up even `abc` when it shows the form again: both were a 500.
    """

    def _check_values(self, value):
        for pk in value:
            if not _is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)

    def bound_data(self, data, initial):
        # What the form shows again after an error: the posted ids a widget may look up.
        if isinstance(data, list | tuple):
            return [pk for pk in data if _is_id(pk)]
        return super().bound_data(data, initial)


class CheckedFormInput:
    """ModelAdmin mixin: what an add or change form takes from the request meets its form field before any
    widget or query sees it.

    - Rows chosen by id (many-to-many fields) use CheckedIdsMultipleChoiceField.
    - An add page's initial values from its query string (`?title=…&topics=1,2`) are each cleaned by
      their field; a value the field refuses is left out and the form shows that field blank. Django
      hands them to the widgets as they come: any `?published_at=` (the split date and time widget wants
      a datetime) and `?further_reading=abc` (the autocomplete widget looks the ids up) were a 500.
      Ignored rather than a 400: these links are conveniences (a bookmark, "add another"), and the form
      checks everything again when it is posted.
    """

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedIdsMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        fields = self.get_form(request).base_fields
        initial = {}
        for name, value in super().get_changeform_initial_data(request).items():
            field = fields.get(name)
            if field is None:
                continue  # not a field of this form (`_changelist_filters`, `_popup`…): unused as initial
            if isinstance(field, forms.SplitDateTimeField):
                field = forms.DateTimeField()  # one value in the address, where the form posts two
            try:
                initial[name] = field.clean(value)
            except ValidationError:
                continue
        return initial


class BoundedRowsFormSet:
    """Formset mixin: a posted TOTAL_FORMS over `absolute_max` is refused before any row is built.

    Rows saved before (an import may bring a work with more authors than the form adds) still fit.
    The saved rows are the ones the formset loads anyway, so counting them costs no query of its own.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.absolute_max = max(self.absolute_max, len(self.get_queryset()))


class RowsOfThisFormSet:
    """Formset mixin: a row the form names by a hidden id that is not one of this object's rows (deleted in
    another tab since the page was opened, or forged) is said in words above the rows.

    The admin shows no error of a hidden field: the page said "Please correct the error below." and nothing below.
    Django's id field accepts any row of the table (another article's section): its formset then skips the row
    without a word, so a saved row this object does not have counts as gone too.
    """

    def clean(self):
        super().clean()
        saved_rows = self.initial_form_count()
        stale = [
            str(number)
            for number, form in enumerate(self.forms, start=1)
            if any(field.name in form.errors for field in form.hidden_fields())
            or (number <= saved_rows and form.instance.pk is None)
        ]
        if stale:
            raise ValidationError(
                f"{self.model._meta.verbose_name.capitalize()} {', '.join(stale)} of this form "
                "is no longer saved here (perhaps deleted in another tab): reload the page to see it as it is now."
            )


class BoundedRows:
    """InlineModelAdmin mixin: at most `max_num` rows, and a form posting more is refused before any row is built;
    a row that is no longer there is named (RowsOfThisFormSet).

    Django builds up to 1,000 rows more than `max_num` from a posted TOTAL_FORMS before refusing it:
    rendered, that was half a minute of a worker's time for one forged request.
    """

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, absolute_max=self.max_num, **kwargs)
        return type(formset.__name__, (BoundedRowsFormSet, RowsOfThisFormSet, formset), {})
