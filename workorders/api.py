from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ViewPermissions, validated
from core.filters import IncrementalSync
from core.models import User
from core.scoping import scope, visible_outlet, visible_outlets
from workorders import selectors, services
from workorders.filters import WorkOrderSyncFilter, is_broad_list
from workorders.models import Call, ChargeWaiver, Customer, MessageSlip, Product, ProductCategory, WorkOrder
from workorders.serializers import (
    AgreementInputSerializer,
    CallInputSerializer,
    CallSerializer,
    ChargeWaiverSerializer,
    CustomerSerializer,
    DetailsInputSerializer,
    ExchangeInputSerializer,
    HandOverInputSerializer,
    IntakeInputSerializer,
    MessageSlipInputSerializer,
    MessageSlipSerializer,
    NoteInputSerializer,
    PickupInputSerializer,
    ProductCategorySerializer,
    RepairRecordInputSerializer,
    ReturnInputSerializer,
    SlipAnswerInputSerializer,
    TransitionInputSerializer,
    UnitHistorySerializer,
    WaiverDecisionInputSerializer,
    WaiverInputSerializer,
    WorkOrderDetailSerializer,
    WorkOrderQuoteInputSerializer,
    WorkOrderSerializer,
)


class ProductCategoryListView(generics.ListAPIView):
    serializer_class = ProductCategorySerializer
    queryset = ProductCategory.objects.order_by("code")
    pagination_class = None


class CustomerLookupView(generics.ListAPIView):
    """Customers by phone (network-wide), order number or serial (exact), or name prefix: `?q=`."""

    serializer_class = CustomerSerializer
    permission_classes = [ViewPermissions]
    pagination_class = None
    queryset = Customer.objects.none()  # for the permission class; get_queryset answers

    def get_queryset(self):
        return selectors.customer_lookup(user=self.request.user, query=self.request.query_params.get("q", ""))


class ProductHistoryView(generics.ListAPIView):
    """A unit's service history: every order of the product, and of any product of its category with its
    serial/IMEI, at any outlet (全国联保), newest first, at most 100. The product must be one you serve:
    the product of an order of your outlets, or of a customer registered at one of them."""

    serializer_class = UnitHistorySerializer
    permission_classes = [ViewPermissions]
    pagination_class = None
    queryset = WorkOrder.objects.none()  # for the permission class; get_queryset answers

    def get_queryset(self):
        user = self.request.user
        served = Q(pk__in=selectors.work_order_list(user=user).values("product_id")) | Q(
            customer__in=scope(Customer.objects.all(), user)
        )
        product = get_object_or_404(Product.objects.filter(served), pk=self.kwargs["pk"])
        return services.unit_history(product)[: services.UNIT_HISTORY_LIMIT * 2]


class WorkOrderListCreateView(IncrementalSync, generics.ListAPIView):
    """Work orders of your outlets (newest first, cursor pages); POST logs a new request."""

    serializer_class = WorkOrderSerializer
    permission_classes = [ViewPermissions]
    filterset_class = WorkOrderSyncFilter
    queryset = WorkOrder.objects.none()

    @property
    def pages_by_outlet(self) -> bool:  # core.drf.KeysetPagination
        return is_broad_list(self.request.query_params)

    def get_queryset(self):
        return selectors.work_order_list(user=self.request.user)

    @extend_schema(
        request=IntakeInputSerializer,
        responses={201: WorkOrderDetailSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Repeat a request with the same key to get its order, never a second one "
                "(or the body's idempotency_key).",
            )
        ],
    )
    def post(self, request):
        data = validated(IntakeInputSerializer, request.data)
        data["idempotency_key"] = _idempotency_key(request, data["idempotency_key"])
        outlet = visible_outlet(request.user, data["outlet"])
        if outlet is None:
            raise Http404
        category = selectors.category_by_code(data["category"]) if data["category"] else None
        if data["category"] and category is None:
            raise serializers.ValidationError({"category": [_("Unknown product category.")]})
        customer, product = services.intake_picks(customer_id=data["customer"], product_id=data["product"])
        order = services.intake_submit(
            outlet=outlet,
            phone=str(data["phone"]),
            customer=customer,
            customer_name=data["customer_name"],
            address=data["address"],
            product=product,
            product_fields={**{f: data[f] for f in services.INTAKE_PRODUCT_FIELDS}, "category": category},
            order_fields={f: data[f] for f in services.INTAKE_ORDER_FIELDS},
            idempotency_key=data["idempotency_key"],
            actor=request.user,
        )
        # The order as the service made it (its customer, product and outlet are the objects above):
        # reading it back through the detail selector would cost six queries for the same values. Its
        # timeline is the one the service made, unless a transition followed (a complete on-site request).
        prefetch_related_objects([order], selectors.timeline())
        return Response(
            WorkOrderDetailSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _idempotency_key(request, in_body: str) -> str | None:
    """The key from the Idempotency-Key header or the body's field (the same one if both are sent)."""
    in_header = request.headers.get("Idempotency-Key", "").strip()
    if in_header and in_body and in_header != in_body:
        raise serializers.ValidationError({"idempotency_key": [_("The header and the body name different keys.")]})
    if len(in_header) > 64:
        raise serializers.ValidationError({"idempotency_key": [_("A key has at most 64 characters.")]})
    return in_header or in_body or None


class WorkOrderDetailView(generics.RetrieveAPIView):
    serializer_class = WorkOrderDetailSerializer
    permission_classes = [ViewPermissions]
    queryset = WorkOrder.objects.none()

    def get_queryset(self):
        return selectors.work_order_detail(user=self.request.user)


class _WorkOrderAction(APIView):
    """Actions on one order; the services check the permission for each action."""

    def _order(self, request, pk: int) -> WorkOrder:
        return get_object_or_404(selectors.work_order_list(user=request.user), pk=pk)

    def _answer(self, request, order) -> Response:
        order = selectors.work_order_detail(user=request.user).get(pk=order.pk)
        return Response(WorkOrderDetailSerializer(order, context={"request": request}).data)


class WorkOrderTransitionView(_WorkOrderAction):
    """Move the order along its lifecycle; `version` guards against overwriting a newer state (409)."""

    @extend_schema(request=TransitionInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        values = validated(TransitionInputSerializer, request.data)
        order = services.work_order_transition(
            work_order=order,
            transition=values["transition"],
            reason=values["reason"],
            expected_version=values["version"],
            override_incomplete=values["override_incomplete"],
            actor=request.user,
        )
        return self._answer(request, order)


class WorkOrderHandOverView(_WorkOrderAction):
    @extend_schema(request=HandOverInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(HandOverInputSerializer, request.data)
        new_owner = User.objects.filter(pk=data["new_owner"], is_active=True).first()
        if new_owner is None:
            raise serializers.ValidationError({"new_owner": [_("Unknown staff member.")]})
        order = services.work_order_hand_over(
            work_order=order, new_owner=new_owner, reason=data["reason"], actor=request.user
        )
        return self._answer(request, order)


class WorkOrderNoteView(_WorkOrderAction):
    @extend_schema(
        request=NoteInputSerializer,
        responses={201: inline_serializer("NoteCreated", {"ok": serializers.BooleanField()})},
    )
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(NoteInputSerializer, request.data)
        services.work_order_add_note(work_order=order, text=data["text"], actor=request.user)
        return Response({"ok": True}, status=status.HTTP_201_CREATED)


class WorkOrderQuoteView(_WorkOrderAction):
    """Quote from the fee schedule in force; the order then awaits the customer's approval."""

    @extend_schema(request=WorkOrderQuoteInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(WorkOrderQuoteInputSerializer, request.data)
        order = services.work_order_quote(
            work_order=order,
            parts=[(p["code"], p["quantity"]) for p in data["parts"]],
            onsite=data["onsite"],
            card_prices=data["card_prices"],
            actor=request.user,
        )
        return self._answer(request, order)


class WorkOrderAgreementView(_WorkOrderAction):
    @extend_schema(request=AgreementInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(AgreementInputSerializer, request.data)
        return self._answer(request, services.work_order_record_agreement(work_order=order, actor=request.user, **data))


class WorkOrderDetailsView(_WorkOrderAction):
    """Complete what intake lacked; `version` must be the one read (409 otherwise)."""

    @extend_schema(request=DetailsInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(DetailsInputSerializer, request.data)
        order = services.work_order_complete_details(
            work_order=order, expected_version=data.pop("version"), actor=request.user, **data
        )
        return self._answer(request, order)


class WorkOrderRepairRecordView(_WorkOrderAction):
    @extend_schema(request=RepairRecordInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(RepairRecordInputSerializer, request.data)
        return self._answer(request, services.work_order_record_repair(work_order=order, actor=request.user, **data))


class WorkOrderPickupView(_WorkOrderAction):
    """Pickup: the code, payment (a receipt number is issued), signature or refusal, rating."""

    @extend_schema(request=PickupInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(PickupInputSerializer, request.data)
        return self._answer(request, services.work_order_pickup(work_order=order, actor=request.user, **data))


class WorkOrderExchangeView(_WorkOrderAction):
    """三包 exchange (换货): the unit taken back, the new unit's serial, the customer's signature; the order
    closes. Refused unless the order's decision, made again now, grants an exchange."""

    @extend_schema(request=ExchangeInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(ExchangeInputSerializer, request.data)
        services.work_order_exchange(work_order=order, actor=request.user, **data)
        return self._answer(request, order)


class WorkOrderReturnView(_WorkOrderAction):
    """三包 return (退货): the unit taken back and the money paid back (full within the return period, less
    the policy's depreciation fee after repeated repairs), with a receipt number; the order closes."""

    @extend_schema(request=ReturnInputSerializer, responses=WorkOrderDetailSerializer)
    def post(self, request, pk: int):
        order = self._order(request, pk)
        data = validated(ReturnInputSerializer, request.data)
        services.work_order_return(work_order=order, actor=request.user, **data)
        return self._answer(request, order)


class CallListCreateView(generics.ListAPIView):
    """Calls of your outlets, newest first; POST logs one."""

    serializer_class = CallSerializer
    permission_classes = [ViewPermissions]
    queryset = Call.objects.none()

    def get_queryset(self):
        return selectors.recent_calls(user=self.request.user)

    @extend_schema(request=CallInputSerializer, responses={201: CallSerializer})
    def post(self, request):
        data = validated(CallInputSerializer, request.data)
        outlet = get_object_or_404(visible_outlets(request.user), pk=data.pop("outlet"))
        order_id = data.pop("work_order")
        order = get_object_or_404(selectors.work_order_list(user=request.user), pk=order_id) if order_id else None
        product_id = data.pop("product")
        # Only the caller's own products: the phone decides, not the id.
        callers = selectors.callers_products(str(data["caller_phone"]))
        product = get_object_or_404(callers, pk=product_id) if product_id else None
        call = services.call_log(
            outlet=outlet,
            work_order=order,
            product=product,
            actor=request.user,
            **{**data, "caller_phone": str(data["caller_phone"])},
        )
        return Response(CallSerializer(call, context={"request": request}).data, status=status.HTTP_201_CREATED)


class MessageSlipListCreateView(generics.ListAPIView):
    """Open message slips for you (or your role); POST routes a new one."""

    serializer_class = MessageSlipSerializer
    pagination_class = None  # only the open ones, capped
    queryset = MessageSlip.objects.none()

    def get_queryset(self):
        return selectors.open_slips_for(user=self.request.user)[:200]

    @extend_schema(request=MessageSlipInputSerializer, responses={201: MessageSlipSerializer})
    def post(self, request):
        data = validated(MessageSlipInputSerializer, request.data)
        outlet = get_object_or_404(visible_outlets(request.user), pk=data.pop("outlet"))
        recipient_id = data.pop("recipient")
        recipient = User.objects.filter(pk=recipient_id, is_active=True).first() if recipient_id else None
        if recipient_id and recipient is None:
            raise serializers.ValidationError({"recipient": [_("Unknown staff member.")]})
        slip = services.message_slip_take(
            outlet=outlet,
            recipient=recipient,
            actor=request.user,
            **{**data, "caller_phone": str(data["caller_phone"])},
        )
        return Response(MessageSlipSerializer(slip, context={"request": request}).data, status=status.HTTP_201_CREATED)


class MessageSlipAnswerView(APIView):
    @extend_schema(request=SlipAnswerInputSerializer, responses=MessageSlipSerializer)
    def post(self, request, pk: int):
        slip = get_object_or_404(selectors.open_slips_for(user=request.user), pk=pk)
        data = validated(SlipAnswerInputSerializer, request.data)
        slip = services.message_slip_answer(slip=slip, actor=request.user, **data)
        return Response(MessageSlipSerializer(slip, context={"request": request}).data)


class WorkOrderWaiverView(_WorkOrderAction):
    """Ask a supervisor to waive (0) or reduce the charge of an unpaid order."""

    @extend_schema(request=WaiverInputSerializer, responses={201: ChargeWaiverSerializer})
    def post(self, request, pk: int):
        order = self._order(request, pk)
        values = validated(WaiverInputSerializer, request.data)
        waiver = services.charge_waiver_request(work_order=order, actor=request.user, **values)
        return Response(ChargeWaiverSerializer(waiver).data, status=status.HTTP_201_CREATED)


class WaiverListView(generics.ListAPIView):
    """Charge waivers of your outlets; `?status=pending` is a supervisor's queue."""

    serializer_class = ChargeWaiverSerializer
    permission_classes = [ViewPermissions]
    queryset = ChargeWaiver.objects.none()
    filterset_fields = ["status", "outlet"]  # indexed together

    def get_queryset(self):
        return scope(ChargeWaiver.objects.select_related("work_order", "requested_by", "decided_by"), self.request.user)


class WaiverDecisionView(APIView):
    """A supervisor approves (the charge becomes the amount asked for) or rejects (with a note)."""

    @extend_schema(request=WaiverDecisionInputSerializer, responses=ChargeWaiverSerializer)
    def post(self, request, pk: int):
        waiver = get_object_or_404(scope(ChargeWaiver.objects.all(), request.user), pk=pk)
        values = validated(WaiverDecisionInputSerializer, request.data)
        waiver = services.charge_waiver_decide(waiver=waiver, actor=request.user, **values)
        return Response(ChargeWaiverSerializer(waiver).data)
