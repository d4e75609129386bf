from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.models import Outlet, ServiceCentre
from core.roles import Role
from core.scoping import visible_outlets
from core.validation import plausible_day


class DateField(forms.DateField):
    """A date between 1980 and 2099 (core.validation.plausible_day): the only date field forms use."""

    default_validators = [plausible_day]


class DateTimeField(forms.DateTimeField):
    default_validators = [plausible_day]


class ItemRowsWidget(forms.Widget):
    """Rows of an item typed with suggestions and an amount (parts and their quantities, prices on a
    warranty card): the saved rows plus blank ones; "Add a row" (app.js) adds more."""

    template_name = "forms/widgets/item_rows.html"
    blank_rows = 2

    def __init__(self, *, item_label, amount_label, amount_mode="numeric", attrs=None):
        super().__init__(attrs)
        self.item_label, self.amount_label, self.amount_mode = item_label, amount_label, amount_mode
        self.suggestions = ()  # (value, hint) pairs, or a callable giving them when the page is drawn

    def format_value(self, value):
        return list(value or ())

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [(item, "" if amount is None else amount) for item, amount in value or ()]
        suggestions = self.suggestions() if callable(self.suggestions) else self.suggestions
        context["widget"].update(
            rows=rows + [("", "")] * self.blank_rows,
            item_label=self.item_label,
            amount_label=self.amount_label,
            amount_mode=self.amount_mode,
            suggestions=suggestions,
        )
        return context

    def value_from_datadict(self, data, files, name):
        def listed(key) -> list[str]:  # a query dict's list, or one value of a plain dict
            return data.getlist(key) if hasattr(data, "getlist") else [v for v in [data.get(key)] if v is not None]

        items, amounts = listed(f"{name}-item"), listed(f"{name}-amount")
        rows = zip(items, amounts + [""] * (len(items) - len(amounts)), strict=False)
        return [(item.strip(), amount.strip()) for item, amount in rows if item.strip() or amount.strip()]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-item" not in data


class ItemRowsField(forms.Field):
    """[(item as typed, amount)] from an ItemRowsWidget; `amount` cleans each row's amount (a blank
    amount is `blank_amount`, or an error when that is None). Blank rows are skipped."""

    def __init__(self, *, item_label, amount_label, amount: forms.Field, blank_amount=None, **kwargs):
        mode = "decimal" if isinstance(amount, forms.DecimalField) else "numeric"
        kwargs.setdefault("required", False)
        super().__init__(
            widget=ItemRowsWidget(item_label=item_label, amount_label=amount_label, amount_mode=mode), **kwargs
        )
        self.amount, self.blank_amount = amount, blank_amount

    def to_python(self, value) -> list[tuple[str, object]]:
        rows = []
        for item, amount in value or ():
            if not item:
                raise ValidationError(_("Name the item for the amount %(amount)s."), params={"amount": amount})
            if amount in ("", None) and self.blank_amount is not None:
                rows.append((item, self.blank_amount))
                continue
            try:
                rows.append((item, self.amount.clean(amount)))
            except ValidationError as exc:
                raise ValidationError(
                    _("“%(item)s”: %(problem)s"), params={"item": item, "problem": " ".join(exc.messages)}
                ) from exc
        return rows


class BootstrapRenderer(TemplatesSetting):
    """Every form renders with Bootstrap markup and its errors next to each field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class SearchSelect(forms.Select):
    """A picker of many records (a network's outlets, its 1,200 stock places): the page carries only what is
    picked; the others are found as the user types, from `search_url` ({"results": [{"value", "text"}]},
    app.js), instead of hundreds of options rendered into every page."""

    def __init__(self, search_url, attrs=None):
        super().__init__({**(attrs or {}), "data-search-url": search_url})

    def picked(self, values: list[str]) -> list[tuple]:
        """(value, label) of the values picked; by default from the choices the form gave."""
        return [(value, label) for value, label in self.choices if value and str(value) in values]

    def optgroups(self, name, value, attrs=None):
        everything = self.choices
        values = [str(v) for v in value if v not in ("", None)]
        picked = self.picked(values) if values else []
        empty = getattr(getattr(everything, "field", None), "empty_label", None) or "---------"
        self.choices = [("", empty), *picked]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything


class OutletSearchSelect(SearchSelect):
    """The outlet picker of people who see many outlets (a centre's, headquarters' 400): core.views.outlet_options."""

    def __init__(self, attrs=None):
        super().__init__(reverse_lazy("outlet-options"), attrs)

    def picked(self, values):
        ids = [v for v in values if v.isdigit()]
        return [(row.pk, str(row)) for row in self.choices.queryset.filter(pk__in=ids)] if ids else []


def sees_many_outlets(user) -> bool:
    """Headquarters and centre staff: their outlet pickers search instead of listing (OutletSearchSelect)."""
    return bool(user.is_superuser or user.is_headquarters or user.centre_id)


def outlet_choices(user, picked: Outlet | None) -> dict:
    """What a page's own outlet picker (not a form's) lists: every outlet of the user's, or, for those who
    see many, only the one picked, the others found as they type (`search_outlets`: the template adds the
    search URL, templates/includes/outlet_picker.html)."""
    if not sees_many_outlets(user):
        return {
            "outlets": list(visible_outlets(user).order_by("code").only("pk", "code", "name")),
            "search_outlets": False,
        }
    return {"outlets": [picked] if picked else [], "search_outlets": True}


class StyledForm(forms.Form):
    """Adds Bootstrap classes to widgets so templates stay plain `{{ form }}`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, ItemRowsWidget):
                continue  # its inputs carry their own classes (forms/widgets/item_rows.html)
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
                if isinstance(field, forms.ModelChoiceField):
                    # Records to pick from (outlets, staff, categories): typed to search once the list is
                    # long (app.js); a short list stays a plain select.
                    widget.attrs["data-searchable"] = ""
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_service_errors(self, exc: Exception) -> None:
        """Show a service's refusal next to the fields it names (a ValidationError), or above the
        form (a permission or conflict error)."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        elif isinstance(exc, ValidationError):
            self.add_error(None, exc)
        else:
            self.add_error(None, str(exc))


class StaffForm(StyledForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @/./+/-/_ only.")},
    )
    name = forms.CharField(label=_("Full name"), max_length=100)
    phone = PhoneNumberField(label=_("Phone"), required=False, region="CN")
    staff_number = forms.CharField(
        label=_("Staff number"),
        max_length=20,
        required=False,
        help_text=_("The number on the badge customers see (工号)."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    outlets = forms.ModelMultipleChoiceField(
        label=_("Outlets"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    centre = forms.ModelChoiceField(label=_("Service centre"), queryset=None, required=False)
    is_headquarters = forms.BooleanField(label=_("Headquarters (sees all outlets)"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, actor, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlets"].queryset = visible_outlets(actor).select_related("centre")
        centres = ServiceCentre.objects.all()
        if not (actor.is_superuser or actor.is_headquarters):
            centres = centres.filter(pk=actor.centre_id)
        self.fields["centre"].queryset = centres
        if editing:
            for name in ("username", "password1", "password2"):
                del self.fields[name]
        else:
            del self.fields["is_active"]

    def clean(self):
        data = super().clean()
        if "password1" in self.fields and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        if data.get("is_headquarters") and data.get("centre"):
            self.add_error("centre", _("A headquarters member does not belong to a centre."))
        return data


class PasswordResetByAdminForm(StyledForm):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("New password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class OutletForm(StyledForm):
    code = forms.SlugField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    centre = forms.ModelChoiceField(label=_("Service centre"), queryset=None)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = PhoneNumberField(label=_("Phone"), required=False, region="CN")
    slip_paper = forms.ChoiceField(
        label=_("Slips and receipts print on"),
        choices=Outlet.SlipPaper.choices,
        initial=Outlet.SlipPaper.A4,
        required=False,
        help_text=_("Pickup slips, receipts and exchange/return slips; a print can still choose the other."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        centres = ServiceCentre.objects.filter(is_active=True)
        if not (actor.is_superuser or actor.is_headquarters):
            centres = centres.filter(pk=actor.centre_id)
        self.fields["centre"].queryset = centres

    def clean_slip_paper(self) -> str:
        return self.cleaned_data["slip_paper"] or Outlet.SlipPaper.A4


class CentreForm(StyledForm):
    code = forms.SlugField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class ApiTokenForm(StyledForm):
    name = forms.CharField(
        label=_("What it is for"), max_length=80, help_text=_("For example: ERP sync, reporting script.")
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)
