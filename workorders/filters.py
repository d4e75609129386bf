"""The work-order filters, shared by the list page and the API (every filter has an index)."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import to_python

from core.filters import ChoiceLiteralFilter, SyncFilterSet
from core.forms import OutletSearchSelect, StyledForm, sees_many_outlets
from core.models import User
from core.scoping import visible_outlets
from workorders.lifecycle import OPEN_STATUSES, Status
from workorders.models import CustomerPhone, Payment, Product, ProductCategory, WorkOrder


def outlet_filter(filters: django_filters.FilterSet, user) -> None:
    """The list's outlet filter: the user's outlets, searched as typed when they are many."""
    filters.filters["outlet"].queryset = visible_outlets(user)
    if sees_many_outlets(user):
        filters.filters["outlet"].extra["widget"] = OutletSearchSelect


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# A list of several outlets is read outlet by outlet (core.pagination.merged_keys_by_outlet) unless it is
# narrowed by more than these: a search, a name or dates have indexes of their own that find the few rows at
# once (a phone searched across a centre's 20 outlets took 62 ms outlet by outlet, 25 ms plainly). A category
# has none: outlet by outlet, a centre's list of one category 75 -> 49 ms.
BROAD_PARAMETERS = frozenset(
    {"status", "channel", "category", "outlet", "after", "size", "cursor", "page_size", "ordering"}
)


def is_broad_list(params) -> bool:
    """Whether a work-order list asked for with these query parameters is broad enough to be read outlet by
    outlet."""
    return not any(value for name, value in params.items() if name not in BROAD_PARAMETERS)


class WorkOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Number, phone or serial"), method="filter_q")
    status = ChoiceLiteralFilter(label=_("Status"), choices=Status.choices)
    outlet = django_filters.ModelChoiceFilter(label=_("Outlet"), queryset=None)
    channel = ChoiceLiteralFilter(label=_("Channel"), choices=WorkOrder.Channel.choices)
    category = django_filters.ModelChoiceFilter(
        label=_("Product category"), field_name="product__category", queryset=ProductCategory.objects.all()
    )
    responsible = django_filters.CharFilter(label=_("Responsible (name or username)"), method="filter_responsible")
    received_from = django_filters.DateFilter(
        label=_("Received from"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = django_filters.DateFilter(
        label=_("Received to"), method="filter_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = WorkOrder
        fields: list[str] = []
        form = StyledForm

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        outlet_filter(self, user or self.request.user)

    def filter_q(self, queryset, name, value):
        """Exact matches only, each served by an index. The serial and the phone are looked up first
        (two small queries): an OR across joined tables would make PostgreSQL scan the orders."""
        value = value.strip()
        if not value:
            return queryset
        products = list(Product.objects.filter(serial=value).values_list("pk", flat=True)[:100])
        condition = Q(number=value) | Q(product_id__in=products)
        phone = to_python(value, region="CN")
        if phone and phone.is_valid():
            customers = CustomerPhone.objects.filter(number=phone).values_list("customer_id", flat=True)[:100]
            condition |= Q(customer_id__in=list(customers))
        return queryset.filter(condition)

    def filter_responsible(self, queryset, name, value):
        """The staff member by their name or username as people know them (indexed: usernames are
        unique, names have an index), then the orders they own."""
        value = value.strip()
        if not value:
            return queryset
        staff = User.objects.filter(Q(username=value) | Q(name=value)).values_list("pk", flat=True)[:50]
        return queryset.filter(owner_id__in=list(staff))

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_start_of(value + dt.timedelta(days=1)))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        now = timezone.now()
        return queryset.filter(status__in=OPEN_STATUSES).filter(
            Q(estimated_ready_at__lt=now)
            | Q(requested_time__lt=now, status__in=[Status.AWAITING_DISPATCH, Status.RECEIVED])
        )


class WorkOrderSyncFilter(WorkOrderFilter, SyncFilterSet):
    """The API's filters: the page's, `owner` by staff id, and `updated_since` for an integrator's
    incremental sync."""

    owner = django_filters.NumberFilter(label=_("Responsible (staff id)"), field_name="owner_id")


class PaymentFilter(django_filters.FilterSet):
    """The payments page (daily cash reconciliation) and its export: a period of days (today when none is
    given), an outlet, a payment method. Each reads the index (outlet, received_at)."""

    received_from = django_filters.DateFilter(
        label=_("Paid from"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = django_filters.DateFilter(
        label=_("Paid until"), method="filter_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    outlet = django_filters.ModelChoiceFilter(label=_("Outlet"), queryset=None)
    method = django_filters.ChoiceFilter(label=_("Payment method"), choices=Payment.Method.choices)

    class Meta:
        model = Payment
        fields: list[str] = []
        form = StyledForm

    def __init__(self, data=None, *args, user=None, **kwargs):
        today = timezone.localdate().isoformat()
        data = data.copy() if data else {}
        for day in ("received_from", "received_to"):
            if not data.get(day):
                data[day] = today  # a cash count is of a day: today unless another is asked for
        super().__init__(data, *args, **kwargs)
        outlet_filter(self, user)

    def filter_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=_start_of(value + dt.timedelta(days=1)))
