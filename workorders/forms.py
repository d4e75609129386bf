import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.forms import DateField, DateTimeField, StyledForm
from core.models import User
from core.roles import Role
from core.scoping import visible_outlets
from warranty.engine import WHOLE_UNIT, component_choices
from warranty.forms import DATE, CardPricesField, PartRowsField
from workorders.models import STAFF_CHANNELS, Call, Payment, Product, ProductCategory, WorkOrder
from workorders.selectors import callers_products, work_order_list

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IntakeForm(StyledForm):
    """The front desk / hotline intake: customer, product and the request on one page."""

    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None)
    phone = PhoneNumberField(label=_("Customer phone"), region="CN")
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    customer_name = forms.CharField(label=_("Customer name"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label=_("Product category"), queryset=ProductCategory.objects.all(), required=False
    )
    brand = forms.CharField(label=_("Brand"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    serial = forms.CharField(label=_("Serial / barcode / IMEI"), max_length=64, required=False)
    purchase_date = DateField(label=_("Purchase date"), required=False, widget=DATE)
    proof = forms.ChoiceField(
        label=_("Proof of purchase"), choices=Product.Proof.choices, initial=Product.Proof.INVOICE
    )
    production_date = DateField(
        label=_("Production date (barcode label)"),
        required=False,
        widget=DATE,
        help_text=_("Without proof of purchase the warranty counts from it."),
    )
    price = forms.DecimalField(label=_("Price paid (¥)"), required=False, min_value=0, max_digits=10, decimal_places=2)
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    service_type = forms.ChoiceField(label=_("Service type"), choices=WorkOrder.ServiceType.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=WorkOrder.Priority.choices)
    fault_description = forms.CharField(
        label=_("Fault as the customer describes it"), widget=forms.Textarea(attrs={"rows": 3})
    )
    fault_component = forms.ChoiceField(
        label=_("Faulty part"),
        choices=component_choices,
        initial=WHOLE_UNIT,
        required=False,
        help_text=_("Earlier repairs of the same part count towards an exchange."),
    )
    water_or_drop_damage = forms.BooleanField(
        label=_("Water or drop damage (waiver needed before repair)"), required=False
    )
    data_loss_acknowledged = forms.BooleanField(
        label=_("Customer told that repair may erase stored data and agreed"), required=False
    )
    requested_time = DateTimeField(label=_("Time the customer asked for"), required=False, widget=DATETIME)
    requirements = forms.CharField(
        label=_("Customer's requirements"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    estimated_ready_at = DateTimeField(label=_("Estimated ready"), required=False, widget=DATETIME)
    notify_by_phone = forms.BooleanField(label=_("Phone the customer when ready"), required=False, initial=True)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        outlets = visible_outlets(user)
        self.fields["outlet"].queryset = outlets
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        if len(outlets[:2]) == 1:
            self.fields["outlet"].initial = outlets.first()
        self.fields["channel"].initial = (
            WorkOrder.Channel.HOTLINE if user.role == "hotline" else WorkOrder.Channel.WALK_IN
        )


class TransitionForm(StyledForm):
    transition = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput)
    override_incomplete = forms.BooleanField(label=_("Send although information is missing"), required=False)


class HandOverForm(StyledForm):
    new_owner = forms.ModelChoiceField(label=_("New responsible"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = (
            User.objects.filter(is_active=True, outlets=order.outlet_id).exclude(pk=order.owner_id).order_by("name")
        )


class NoteForm(StyledForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class QuoteForm(StyledForm):
    parts = PartRowsField(label=_("Parts"))
    onsite = forms.BooleanField(label=_("On-site visit"), required=False)
    card_prices = CardPricesField()


class RepairRecordForm(StyledForm):
    fault_confirmed = forms.CharField(
        label=_("Fault confirmed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    fault_component = forms.ChoiceField(label=_("Faulty part"), choices=component_choices, required=False)
    cause = forms.CharField(label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    actions_taken = forms.CharField(label=_("Repair actions"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    parts_replaced = forms.CharField(
        label=_("Parts replaced"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SignedForm(StyledForm):
    """The customer signs on the screen (includes/signature_field.html), or refuses to."""

    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    signature_refused = forms.BooleanField(label=_("The customer refuses to sign"), required=False)


class PickupForm(SignedForm):
    pickup_code = forms.CharField(label=_("Pickup code"), max_length=8)
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=[("", "---------"), *Payment.Method.choices], required=False
    )
    rating = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[("", "---------"), *((str(n), "★" * n) for n in range(5, 0, -1))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(label=_("Customer's comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExchangeForm(SignedForm):
    new_serial = forms.CharField(label=_("New unit's serial / IMEI"), max_length=64, required=False)
    new_model = forms.CharField(
        label=_("New unit's model"), max_length=80, required=False, help_text=_("Leave empty for the same model.")
    )


class ReturnForm(SignedForm):
    price_paid = forms.DecimalField(label=_("Price paid (¥)"), min_value=0, max_digits=10, decimal_places=2)
    refund_amount = forms.DecimalField(label=_("Refunded (¥)"), min_value=0, max_digits=10, decimal_places=2)
    refund_method = forms.ChoiceField(label=_("Paid back by"), choices=[("", "---------"), *Payment.Method.choices])


class DetailsForm(StyledForm):
    """What intake may have lacked: completed by the clerk or dispatcher, often after a call."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    address = forms.CharField(label=_("Service address"), max_length=255, required=False)
    model = forms.CharField(label=_("Model"), max_length=80, required=False)
    purchase_date = DateField(label=_("Purchase date"), required=False, widget=DATE)
    proof = forms.ChoiceField(label=_("Proof of purchase"), choices=Product.Proof.choices)
    fault_description = forms.CharField(
        label=_("Fault as the customer describes it"), widget=forms.Textarea(attrs={"rows": 3})
    )
    requested_time = DateTimeField(label=_("Time the customer asked for"), required=False, widget=DATETIME)


class CallForm(StyledForm):
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None)
    caller_phone = PhoneNumberField(label=_("Caller's phone"), region="CN")
    # A complaint opens its case in the same step (the complaint call button), never as a call alone.
    call_type = forms.ChoiceField(
        label=_("Call type"),
        choices=[choice for choice in Call.Type.choices if choice[0] != Call.Type.COMPLAINT],
        help_text=_("A complaint: use “Complaint call: open the case”, which logs the call with its case."),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(label=_("Outcome"), required=False)
    number = forms.CharField(
        label=_("Work order number"),
        max_length=20,
        required=False,
        help_text=_("The order the call is about; phone guidance that solves it closes it to its 2-hour callback."),
    )
    phone_guidance = forms.BooleanField(label=_("Resolved by phone guidance (no visit)"), required=False)
    guidance_advice = forms.CharField(
        label=_("Guidance given"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    product = forms.ModelChoiceField(
        label=_("Product the guidance was for"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_("The caller has several products: the 2-hour callback follows the one picked."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["outlet"].queryset = visible_outlets(user)
        self.fields["outlet"].initial = visible_outlets(user).first()
        # Offered once the phone is known (the form comes back asking for it): the caller's products.
        products = callers_products(self.data.get(self.add_prefix("caller_phone"))) if self.is_bound else None
        product = self.fields["product"]
        if products is not None and products.count() > 1:
            product.queryset = products
            product.label_from_instance = product_label
        else:
            product.widget = forms.HiddenInput()

    def clean_number(self):
        """The order named, among the user's (never an id from the client)."""
        number = self.cleaned_data["number"].strip()
        if not number:
            return None
        order = work_order_list(user=self.user).filter(number=number).first()
        if order is None:
            raise forms.ValidationError(_("No work order with this number in your outlets."))
        return order


def product_label(product: Product) -> str:
    """A product as the customer names it: category, brand and model, and the serial that tells two
    alike apart."""
    name = " ".join(filter(None, [str(product.category), product.brand, product.model]))
    return f"{name} · {product.serial}" if product.serial else name


class MessageSlipForm(StyledForm):
    outlet = forms.ModelChoiceField(label=_("Outlet"), queryset=None)
    caller_name = forms.CharField(label=_("Caller"), max_length=100)
    caller_phone = PhoneNumberField(label=_("Caller's phone"), region="CN")
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 2}))
    best_time = forms.CharField(label=_("Best time to call back"), max_length=100, required=False)
    recipient = forms.ModelChoiceField(label=_("For (person)"), queryset=None, required=False)
    recipient_role = forms.ChoiceField(
        label=_("Or for (role)"), choices=[("", "---------"), *Role.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        outlets = visible_outlets(user)
        self.fields["outlet"].queryset = outlets
        self.fields["outlet"].initial = outlets.first()
        self.fields["recipient"].queryset = (
            User.objects.filter(is_active=True, outlets__in=outlets).distinct().order_by("name")
        )


class SlipAnswerForm(StyledForm):
    answer = forms.CharField(label=_("What was done"), max_length=1000)


class WaiverForm(StyledForm):
    new_total = forms.DecimalField(label=_("Charge asked for (¥, 0 waives it)"), min_value=0, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class WaiverDecisionForm(StyledForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(label=_("Note"), required=False)
