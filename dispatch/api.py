"""Dispatch over /api/v1/: engineers, the board, suggestions, appointments and the visit steps."""

import datetime as dt

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from core.api import ViewPermissions, validated
from core.filters import IncrementalSync, SyncFilterSet
from core.scoping import scope, visible_outlets, visible_staff
from core.serializers import DateField, DateTimeField, Serializer
from dispatch import rules, selectors, services
from dispatch.models import (
    Appointment,
    EngineerProfile,
    LoanerUnit,
    Part,
    PartRequisition,
    PartStock,
    StockMovement,
    StockPlace,
    StockTransfer,
)
from dispatch.serializers import (
    AppointmentDetailSerializer,
    AppointmentSerializer,
    BoardEngineerSerializer,
    BookingInputSerializer,
    ConfirmInputSerializer,
    EngineerProfileInputSerializer,
    EngineerProfileSerializer,
    EventInputSerializer,
    LatenessInputSerializer,
    LendInputSerializer,
    LoanerInputSerializer,
    LoanerSerializer,
    NoShowInputSerializer,
    PartRequisitionSerializer,
    PartSerializer,
    PartStockSerializer,
    PhoneGuidanceInputSerializer,
    PlanInputSerializer,
    PullBackInputSerializer,
    ReasonInputSerializer,
    ReassignInputSerializer,
    ReorderPointInputSerializer,
    ReportInputSerializer,
    RequisitionInputSerializer,
    RescheduleInputSerializer,
    SignOffInputSerializer,
    StockCountInputSerializer,
    StockMovementSerializer,
    StockReceiveInputSerializer,
    StockTransferInputSerializer,
    StockTransferSerializer,
    SuggestionSerializer,
    TakeLoanerInputSerializer,
    TransferActionInputSerializer,
)
from workorders.models import ProductCategory, WorkOrder
from workorders.selectors import work_order_list
from workorders.serializers import WorkOrderSerializer


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


class DayQuerySerializer(Serializer):
    day = DateField()


class AtQuerySerializer(Serializer):
    at = DateTimeField()


def _day(request) -> dt.date:
    value = request.query_params.get("day")
    if not value:
        return timezone.localdate()
    return validated(DayQuerySerializer, {"day": value})["day"]


def _outlet(request):
    """The `?outlet=` of the request, among the caller's outlets (404 otherwise)."""
    value = request.query_params.get("outlet")
    if not value:
        return None
    outlet = visible_outlets(request.user).filter(pk=value).first() if value.isdigit() else None
    if outlet is None:
        raise NotFound
    return outlet


def _engineer(request, pk: int):
    engineer = visible_staff(request.user).filter(pk=pk).first()
    if engineer is None:
        raise serializers.ValidationError({"engineer": [_("Unknown engineer.")]})
    return engineer


class EngineerListView(generics.ListAPIView):
    """Engineer profiles of the staff you may see."""

    serializer_class = EngineerProfileSerializer
    permission_classes = [ViewPermissions]
    queryset = EngineerProfile.objects.none()

    def get_queryset(self):
        return (
            EngineerProfile.objects.filter(user__in=visible_staff(self.request.user))
            .select_related("user")
            .prefetch_related("skills", "user__outlets")
        )


class EngineerProfileView(APIView):
    """Create or replace an engineer's profile (skills, hours, days off, capacity)."""

    @extend_schema(request=EngineerProfileInputSerializer, responses=EngineerProfileSerializer)
    def put(self, request, user_pk: int):
        engineer = get_object_or_404(visible_staff(request.user), pk=user_pk)
        data = validated(EngineerProfileInputSerializer, request.data)
        skills = list(ProductCategory.objects.filter(code__in=data["skills"]))
        if len(skills) != len(set(data["skills"])):
            raise serializers.ValidationError({"skills": [_("Unknown product category.")]})
        profile = services.engineer_profile_save(engineer=engineer, actor=request.user, **(data | {"skills": skills}))
        profile = (
            EngineerProfile.objects.select_related("user")
            .prefetch_related("skills", "user__outlets")
            .get(pk=profile.pk)
        )
        return Response(EngineerProfileSerializer(profile).data)


class BoardPageSerializer(Serializer):
    after = serializers.IntegerField(required=False, min_value=1, help_text="`next` of the previous page")
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=selectors.BOARD_PAGE_MAX, default=selectors.BOARD_PAGE
    )


class BoardView(APIView):
    """One day by engineer with their appointments, a page of engineers at a time (`next` is the
    address of the following page), built in a fixed number of queries."""

    @extend_schema(
        parameters=[
            OpenApiParameter("day", OpenApiTypes.DATE),
            OpenApiParameter("outlet", OpenApiTypes.INT),
            BoardPageSerializer,
        ],
        responses=inline_serializer(
            "Board",
            {
                "day": DateField(),
                "next": serializers.URLField(allow_null=True),
                "engineers": inline_serializer(
                    "BoardRow",
                    {
                        "engineer": BoardEngineerSerializer(),
                        "jobs": serializers.IntegerField(),
                        "appointments": inline_serializer(
                            "BoardAppointment",
                            {
                                "id": serializers.IntegerField(),
                                "work_order_id": serializers.IntegerField(),
                                "work_order_number": serializers.CharField(),
                                "customer": serializers.CharField(),
                                "category": serializers.CharField(),
                                "starts_at": DateTimeField(),
                                "ends_at": DateTimeField(),
                                "status": serializers.ChoiceField(choices=Appointment.Status.choices),
                                "reassign_requested": serializers.CharField(),
                            },
                            many=True,
                        ),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        _require(request, "dispatch.dispatch_appointment")
        day = _day(request)
        page = validated(BoardPageSerializer, request.query_params)
        profiles, next_after = selectors.engineer_page(
            selectors.engineers(user=request.user, outlet=_outlet(request)).prefetch_related(None),
            after=page.get("after"),
            size=page["page_size"],
        )
        rows = selectors.board(roster=profiles, day=day)
        selectors.engineer_codes(profiles)
        profiles = BoardEngineerSerializer(profiles, many=True).data
        # Plain dicts: a board may hold thousands of appointments. Its times are a few half-hour
        # slots, each written once as every endpoint writes a time (local, ISO 8601).
        times: dict[dt.datetime, str] = {}
        as_text = DateTimeField().to_representation

        def iso(value: dt.datetime) -> str:
            text = times.get(value)
            if text is None:
                text = times[value] = as_text(value)
            return text

        return Response(
            {
                "day": day,
                "next": next_after and replace_query_param(request.build_absolute_uri(), "after", next_after),
                "engineers": [
                    {
                        "engineer": profile,
                        "jobs": row.jobs,
                        "appointments": [
                            {
                                "id": b.pk,
                                "work_order_id": b.work_order_id,
                                "work_order_number": b.number,
                                "customer": b.customer,
                                "category": b.category,
                                "starts_at": iso(b.starts_at),
                                "ends_at": iso(b.ends_at),
                                "status": b.status,
                                "reassign_requested": b.reassign_requested,
                            }
                            for b in row.blocks
                        ],
                    }
                    for row, profile in zip(rows, profiles, strict=True)
                ],
            }
        )


class ReconciliationView(APIView):
    """对帐 for a day: per engineer, visits against signed records, with the gaps to follow up."""

    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE), OpenApiParameter("outlet", OpenApiTypes.INT)],
        responses=inline_serializer(
            "Reconciliation",
            {
                "day": DateField(),
                "engineers": inline_serializer(
                    "ReconciliationRow",
                    {
                        "engineer_id": serializers.IntegerField(),
                        "engineer": serializers.CharField(),
                        "visits": serializers.IntegerField(),
                        "signed": serializers.IntegerField(),
                        "not_home_or_refused": serializers.IntegerField(),
                        "missing": AppointmentSerializer(many=True),
                        "unsigned_satisfied": AppointmentSerializer(many=True),
                        "late": AppointmentSerializer(many=True),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        _require(request, "dispatch.reconcile_appointment")
        day = _day(request)
        rows = selectors.reconciliation(user=request.user, day=day, outlet=_outlet(request))
        context = {"request": request}

        def listed(appointments):
            return AppointmentSerializer(appointments, many=True, context=context).data

        return Response(
            {
                "day": day,
                "engineers": [
                    {
                        "engineer_id": row.engineer.pk,
                        "engineer": str(row.engineer),
                        "visits": len(row.visits),
                        "signed": row.signed,
                        "not_home_or_refused": row.not_home_or_refused,
                        "missing": listed(row.missing),
                        "unsigned_satisfied": listed(row.unsigned_satisfied),
                        "late": listed(row.late),
                    }
                    for row in rows
                ],
            }
        )


class DispatchQueueView(generics.ListAPIView):
    """Orders waiting for an engineer: urgent first, then oldest (at most 200)."""

    serializer_class = WorkOrderSerializer
    pagination_class = None
    queryset = WorkOrder.objects.none()  # for the schema; get_queryset answers

    def get_queryset(self):
        _require(self.request, "dispatch.dispatch_appointment")
        return selectors.dispatch_queue(user=self.request.user)[:200]


class SuggestionsView(APIView):
    """Engineers ranked for an order, with the reasons: `?at=` the wanted time (default: the order's)."""

    @extend_schema(
        parameters=[OpenApiParameter("at", OpenApiTypes.DATETIME)], responses=SuggestionSerializer(many=True)
    )
    def get(self, request, pk: int):
        _require(request, "dispatch.dispatch_appointment")
        order = get_object_or_404(work_order_list(user=request.user).select_related("outlet"), pk=pk)
        at = validated(AtQuerySerializer, request.query_params)["at"] if "at" in request.query_params else None
        wanted = at or order.requested_time or timezone.now()
        ranked = selectors.suggestions(user=request.user, order=order, wanted=wanted, length=rules.BOOKING_LENGTH)
        return Response(SuggestionSerializer(ranked, many=True).data)


class AppointmentPermissions(ViewPermissions):
    """Booking is the dispatch permission, not a plain `add_appointment`."""

    perms_map = {**ViewPermissions.perms_map, "POST": ["%(app_label)s.dispatch_appointment"]}


class AppointmentFilter(SyncFilterSet):
    starts_from = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Appointment
        fields = ["engineer", "status", "work_order", "outlet"]  # each is indexed with starts_at


class AppointmentListCreateView(IncrementalSync, generics.ListAPIView):
    """Appointments of your outlets (engineers: their own); POST books an engineer for an order."""

    serializer_class = AppointmentSerializer
    permission_classes = [AppointmentPermissions]
    filterset_class = AppointmentFilter
    queryset = Appointment.objects.none()

    @property
    def pages_by_outlet(self) -> bool:  # core.drf.KeysetPagination
        """A centre's pages outlet by outlet, unless an engineer or an order narrows them (their own indexes
        find those few rows)."""
        return not {"engineer", "work_order"} & set(self.request.query_params)

    def get_queryset(self):
        return selectors.appointment_list(user=self.request.user)

    @extend_schema(request=BookingInputSerializer, responses={201: AppointmentDetailSerializer})
    def post(self, request):
        data = validated(BookingInputSerializer, request.data)
        order = get_object_or_404(work_order_list(user=request.user), pk=data["work_order"])
        appointment = services.appointment_book(
            work_order=order,
            engineer=_engineer(request, data["engineer"]),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            actor=request.user,
        )
        return _answer(request, appointment, status.HTTP_201_CREATED)


class AppointmentCheckView(APIView):
    """What would stop a booking, without saving: `{"problems": [...]}` (empty when it can be booked)."""

    @extend_schema(
        request=BookingInputSerializer,
        responses=inline_serializer("BookingCheck", {"problems": serializers.ListField(child=serializers.CharField())}),
    )
    def post(self, request):
        data = validated(BookingInputSerializer, request.data)
        order = get_object_or_404(work_order_list(user=request.user), pk=data["work_order"])
        problems = services.appointment_check(
            work_order=order,
            engineer=_engineer(request, data["engineer"]),
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            actor=request.user,
        )
        return Response({"problems": problems})


def _answer(request, appointment, code=status.HTTP_200_OK) -> Response:
    appointment = selectors.appointment_detail(user=request.user).select_related("report").get(pk=appointment.pk)
    return Response(AppointmentDetailSerializer(appointment, context={"request": request}).data, status=code)


class AppointmentDetailView(generics.RetrieveAPIView):
    serializer_class = AppointmentDetailSerializer
    permission_classes = [ViewPermissions]
    queryset = Appointment.objects.none()

    def get_queryset(self):
        return selectors.appointment_detail(user=self.request.user).select_related("report")


class _AppointmentAction(APIView):
    def _appointment(self, request, pk: int) -> Appointment:
        return get_object_or_404(selectors.appointment_list(user=request.user), pk=pk)


class AppointmentRescheduleView(_AppointmentAction):
    """改约: another window, with the reason and whether the customer agreed."""

    @extend_schema(request=RescheduleInputSerializer, responses=AppointmentDetailSerializer)
    def post(self, request, pk: int):
        appointment = self._appointment(request, pk)
        data = validated(RescheduleInputSerializer, request.data)
        services.appointment_reschedule(
            appointment=appointment,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            reason=data["reason"],
            customer_agreed=data["customer_agreed"],
            expected_version=data["version"],
            actor=request.user,
        )
        return _answer(request, appointment)


class AppointmentReassignView(_AppointmentAction):
    """改派: another engineer (optionally at another time), with the reason and consent."""

    @extend_schema(request=ReassignInputSerializer, responses=AppointmentDetailSerializer)
    def post(self, request, pk: int):
        appointment = self._appointment(request, pk)
        data = validated(ReassignInputSerializer, request.data)
        services.appointment_reassign(
            appointment=appointment,
            engineer=_engineer(request, data["engineer"]),
            reason=data["reason"],
            customer_agreed=data["customer_agreed"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            expected_version=data["version"],
            actor=request.user,
        )
        return _answer(request, appointment)


class AppointmentUnbookView(_AppointmentAction):
    """Take a booked appointment back; the order returns to the dispatch queue."""

    @extend_schema(request=ReasonInputSerializer, responses=AppointmentDetailSerializer)
    def post(self, request, pk: int):
        appointment = self._appointment(request, pk)
        data = validated(ReasonInputSerializer, request.data)
        services.appointment_unbook(appointment=appointment, reason=data["reason"], actor=request.user)
        return _answer(request, appointment)


# step -> (input serializer, service); each service checks that the caller is the appointment's engineer.
VISIT_STEPS = {
    "confirm": (ConfirmInputSerializer, services.visit_confirm),
    "plan": (PlanInputSerializer, services.visit_plan),
    "ask-reassign": (ReasonInputSerializer, services.appointment_request_reassign),
    "event": (EventInputSerializer, services.visit_event),
    "late-call": (Serializer, services.visit_late_call),
    "phone-guidance": (PhoneGuidanceInputSerializer, services.visit_phone_guidance),
    "lateness": (LatenessInputSerializer, services.visit_lateness),
    "no-show": (NoShowInputSerializer, services.visit_no_show),
    "report": (ReportInputSerializer, services.visit_report_save),
    "sign-off": (SignOffInputSerializer, services.visit_sign_off),
    "pull-back": (PullBackInputSerializer, services.visit_pull_back),
    "take-loaner": (TakeLoanerInputSerializer, services.visit_take_loaner),
}


class VisitStepView(_AppointmentAction):
    """One step of the engineer's visit: confirm, plan, ask-reassign, phone-guidance, event, late-call,
    lateness, no-show, report, sign-off, pull-back, take-loaner (the request body of each is in the schema
    under its serializer)."""

    @extend_schema(
        request={f"application/json; step={step}": serializer for step, (serializer, _s) in VISIT_STEPS.items()},
        responses=AppointmentDetailSerializer,
    )
    def post(self, request, pk: int, step: str):
        if step not in VISIT_STEPS:
            raise NotFound
        appointment = self._appointment(request, pk)
        serializer_class, service = VISIT_STEPS[step]
        data = validated(serializer_class, request.data)
        if step == "report":
            data["parts_used"] = [dict(p) for p in data["parts_used"]]
        if step in ("pull-back", "take-loaner") and data["loaner"] is not None:
            data["loaner"] = get_object_or_404(scope(LoanerUnit.objects.all(), request.user), pk=data["loaner"])
        service(appointment=appointment, actor=request.user, **data)
        return _answer(request, appointment)


# --- Parts and loaners -------------------------------------------------------------------------


class PartListView(generics.ListAPIView):
    """The spare-parts catalogue."""

    serializer_class = PartSerializer
    permission_classes = [ViewPermissions]
    queryset = Part.objects.select_related("category")


class StockPermissions(ViewPermissions):
    perms_map = {**ViewPermissions.perms_map, "POST": ["%(app_label)s.change_partstock"]}


def _place(data: dict, name: str, user):
    """The stock place a request names by its key, as a field error when unknown or out of scope."""
    try:
        return services.place_for_key(data[name], user)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({name: exc.messages}) from exc


def _part(code: str) -> Part:
    part = Part.objects.filter(code=code).first()
    if part is None:
        raise serializers.ValidationError({"part": [_("Unknown part.")]})
    return part


class PartStockView(generics.ListAPIView):
    """Parts stock at the places you see (?level=centre|outlet|van, ?bin=good|defective, ?place=van-12 for one
    place, ?reorder=1 for the outlets' parts below their reorder point); POST records parts delivered to a
    warehouse or an outlet."""

    serializer_class = PartStockSerializer
    permission_classes = [StockPermissions]
    queryset = PartStock.objects.none()

    def get_queryset(self):
        params = self.request.query_params
        return selectors.stock_list(
            user=self.request.user,
            level=params.get("level", "") if params.get("level") in StockPlace.Level.values else "",
            bin=params.get("bin", "") if params.get("bin") in PartStock.Bin.values else "",
            to_reorder=params.get("reorder") == "1",
            place=params.get("place", ""),
        )

    @extend_schema(request=StockReceiveInputSerializer, responses=PartStockSerializer)
    def post(self, request):
        data = validated(StockReceiveInputSerializer, request.data)
        stock = services.stock_receive(
            place=_place(data, "place", request.user),
            part=_part(data["part"]),
            quantity=data["quantity"],
            note=data["note"],
            actor=request.user,
        )
        # The row as the list shows it, whatever filters the request's query string names.
        return Response(PartStockSerializer(selectors.stock_list(user=request.user).get(pk=stock.pk)).data)


class StockMovementListView(generics.ListAPIView):
    """One stock row's movements, newest first; POST a stock count corrects it (counted, note)."""

    serializer_class = StockMovementSerializer
    permission_classes = [StockPermissions]
    queryset = StockMovement.objects.none()

    def _stock(self) -> PartStock:
        return get_object_or_404(selectors.stock_detail(user=self.request.user), pk=self.kwargs["pk"])

    def get_queryset(self):
        return selectors.stock_movements(self._stock()).order_by("-id")

    @extend_schema(request=StockCountInputSerializer, responses=PartStockSerializer)
    def post(self, request, pk: int):
        data = validated(StockCountInputSerializer, request.data)
        stock = services.stock_count(
            stock=self._stock(), counted=data["counted"], note=data["note"], actor=request.user
        )
        return Response(PartStockSerializer(selectors.stock_list(user=request.user).get(pk=stock.pk)).data)


class ReorderPointView(APIView):
    """Set an outlet's reorder point for a part (0: never reorder)."""

    permission_classes = [StockPermissions]
    queryset = PartStock.objects.none()

    @extend_schema(request=ReorderPointInputSerializer, responses=PartStockSerializer, operation_id="v1_reorder_point")
    def post(self, request):
        data = validated(ReorderPointInputSerializer, request.data)
        outlet = get_object_or_404(visible_outlets(request.user), pk=data["outlet"])
        stock = services.reorder_point_set(
            outlet=outlet, part=_part(data["part"]), reorder_point=data["reorder_point"], actor=request.user
        )
        return Response(PartStockSerializer(selectors.stock_list(user=request.user).get(pk=stock.pk)).data)


class TransferPermissions(ViewPermissions):
    perms_map = {**ViewPermissions.perms_map, "POST": ["%(app_label)s.add_stocktransfer"]}


class TransferListCreateView(generics.ListAPIView):
    """Transfers from or to the places you see (?status=); POST requests one (source, destination, part,
    bin, quantity, note)."""

    serializer_class = StockTransferSerializer
    permission_classes = [TransferPermissions]
    queryset = StockTransfer.objects.none()
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.transfer_list(user=self.request.user)

    @extend_schema(request=StockTransferInputSerializer, responses={201: StockTransferSerializer})
    def post(self, request):
        data = validated(StockTransferInputSerializer, request.data)
        transfer = services.transfer_request(
            source=_place(data, "source", request.user),
            destination=_place(data, "destination", request.user),
            part=_part(data["part"]),
            bin=data["bin"],
            quantity=data["quantity"],
            note=data["note"],
            actor=request.user,
        )
        return Response(
            StockTransferSerializer(self.get_queryset().get(pk=transfer.pk)).data, status=status.HTTP_201_CREATED
        )


TRANSFER_ACTIONS = {
    "ship": (services.transfer_ship, ("tracking",)),
    "receive": (services.transfer_receive, ()),
    "cancel": (services.transfer_cancel, ("reason",)),
}


class TransferActionPermissions(ViewPermissions):
    perms_map = {**ViewPermissions.perms_map, "POST": ["%(app_label)s.change_stocktransfer"]}


class TransferActionView(APIView):
    """ship (from the source, with a tracking number), receive (at the destination) or cancel (with a reason)."""

    permission_classes = [TransferActionPermissions]
    queryset = StockTransfer.objects.none()

    @extend_schema(
        request=TransferActionInputSerializer, responses=StockTransferSerializer, operation_id="v1_stock_transfers_act"
    )
    def post(self, request, pk: int, action: str):
        if action not in TRANSFER_ACTIONS:
            raise NotFound
        transfer = get_object_or_404(selectors.transfer_list(user=request.user), pk=pk)
        data = validated(TransferActionInputSerializer, request.data)
        service, fields = TRANSFER_ACTIONS[action]
        service(transfer=transfer, actor=request.user, **{name: data[name] for name in fields})
        return Response(StockTransferSerializer(selectors.transfer_list(user=request.user).get(pk=pk)).data)


class RequisitionPermissions(ViewPermissions):
    perms_map = {**ViewPermissions.perms_map, "POST": ["%(app_label)s.add_partrequisition"]}


class RequisitionListCreateView(generics.ListAPIView):
    """Parts requisitions of your outlets (filter by status or work order); POST asks for parts for a job."""

    serializer_class = PartRequisitionSerializer
    permission_classes = [RequisitionPermissions]
    queryset = PartRequisition.objects.none()
    filterset_fields = ["status", "work_order", "outlet"]  # indexed with status / work order

    def get_queryset(self):
        return scope(PartRequisition.objects.select_related("part", "work_order", "requested_by"), self.request.user)

    @extend_schema(request=RequisitionInputSerializer, responses={201: PartRequisitionSerializer})
    def post(self, request):
        data = validated(RequisitionInputSerializer, request.data)
        order = get_object_or_404(work_order_list(user=request.user), pk=data["work_order"])
        part = Part.objects.filter(code=data["part"]).first()
        if part is None:
            raise serializers.ValidationError({"part": [_("Unknown part.")]})
        requisition = services.part_requisition_request(
            work_order=order, part=part, quantity=data["quantity"], note=data["note"], actor=request.user
        )
        requisition = self.get_queryset().get(pk=requisition.pk)
        return Response(PartRequisitionSerializer(requisition).data, status=status.HTTP_201_CREATED)


REQUISITION_ACTIONS = {
    "issue": services.part_requisition_issue,
    "use": services.part_requisition_use,
    "return": services.part_requisition_return,
    "cancel": services.part_requisition_cancel,
}


class RequisitionActionView(APIView):
    """issue (from the engineer's van or the outlet), use, return (to where it was taken from) or cancel."""

    @extend_schema(request=None, responses=PartRequisitionSerializer, operation_id="v1_part_requisitions_act")
    def post(self, request, pk: int, action: str):
        if action not in REQUISITION_ACTIONS:
            raise NotFound
        queryset = scope(PartRequisition.objects.select_related("part", "work_order", "requested_by"), request.user)
        requisition = get_object_or_404(queryset, pk=pk)
        REQUISITION_ACTIONS[action](requisition=requisition, actor=request.user)
        return Response(PartRequisitionSerializer(queryset.get(pk=pk)).data)


class LoanerPermissions(ViewPermissions):
    perms_map = {**ViewPermissions.perms_map, "POST": ["%(app_label)s.add_loanerunit"]}


class LoanerListCreateView(generics.ListAPIView):
    """Loaner units of your outlets (filter by status); POST registers one."""

    serializer_class = LoanerSerializer
    permission_classes = [LoanerPermissions]
    queryset = LoanerUnit.objects.none()
    filterset_fields = ["status", "outlet"]  # indexed together

    def get_queryset(self):
        return scope(LoanerUnit.objects.select_related("outlet", "category", "work_order"), self.request.user)

    @extend_schema(request=LoanerInputSerializer, responses={201: LoanerSerializer})
    def post(self, request):
        data = validated(LoanerInputSerializer, request.data)
        outlet = get_object_or_404(visible_outlets(request.user), pk=data["outlet"])
        category = ProductCategory.objects.filter(code=data["category"]).first() if data["category"] else None
        loaner = services.loaner_register(
            outlet=outlet, serial=data["serial"], description=data["description"], category=category, actor=request.user
        )
        return Response(LoanerSerializer(self.get_queryset().get(pk=loaner.pk)).data, status=status.HTTP_201_CREATED)


class LoanerActionView(APIView):
    """lend (to the customer of an order until a date), return, repair (to the bench) or repaired."""

    @extend_schema(request=LendInputSerializer, responses=LoanerSerializer, operation_id="v1_loaners_act")
    def post(self, request, pk: int, action: str):
        queryset = scope(LoanerUnit.objects.select_related("outlet", "category", "work_order"), request.user)
        loaner = get_object_or_404(queryset, pk=pk)
        if action == "lend":
            data = validated(LendInputSerializer, request.data)
            order = get_object_or_404(work_order_list(user=request.user), pk=data["work_order"])
            services.loaner_lend(loaner=loaner, work_order=order, due_back=data["due_back"], actor=request.user)
        elif action == "return":
            services.loaner_return(loaner=loaner, actor=request.user)
        elif action in ("repair", "repaired"):
            services.loaner_set_in_repair(loaner=loaner, in_repair=action == "repair", actor=request.user)
        else:
            raise NotFound
        return Response(LoanerSerializer(queryset.get(pk=pk)).data)
