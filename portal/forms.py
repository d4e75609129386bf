"""The self-service booking's forms: the phone and its code, then the request."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from workorders.models import ProductCategory

NEW_PRODUCT = "new"


class PhoneForm(StyledForm):
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("The code we sent you"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class BookingForm(StyledForm):
    """`products`: the customer's earlier products (with their warranty words); `windows`: the outlet's free
    two-hour windows (dispatch.selectors.free_windows), offered as choices and checked again on submit."""

    product = forms.ChoiceField(label=_("Which product?"), widget=forms.RadioSelect)
    category = forms.ModelChoiceField(
        label=_("Kind of product"), queryset=ProductCategory.objects.order_by("code"), required=False
    )
    brand = forms.CharField(label=_("Brand"), max_length=60, required=False)
    model = forms.CharField(label=_("Model (optional)"), max_length=80, required=False)
    purchase_date = forms.DateField(
        label=_("Bought on (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fault_description = forms.CharField(
        label=_("What is wrong?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    address = forms.CharField(label=_("Where should the engineer come?"), max_length=255)
    window = forms.ChoiceField(label=_("When suits you?"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)

    def __init__(self, *args, products, windows, new_customer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.windows = {start.isoformat(): (start, end) for start, end in windows}
        self.fields["product"].choices = [(str(p.pk), str(p)) for p, _words in products] + [
            (NEW_PRODUCT, _("Another product"))
        ]
        self.fields["product"].initial = str(products[0][0].pk) if products else NEW_PRODUCT
        self.fields["window"].choices = [(key, key) for key in self.windows]
        self.new_customer = new_customer
        if new_customer:
            self.fields["name"].required = True

    def clean_purchase_date(self):
        day = self.cleaned_data.get("purchase_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The purchase date is in the future."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("product") == NEW_PRODUCT:
            if not data.get("category"):
                self.add_error("category", _("Pick the kind of product."))
            if not data.get("brand", "").strip():
                self.add_error("brand", _("Enter the brand."))
        return data

    def window_picked(self):
        return self.windows.get(self.cleaned_data.get("window", ""))
