"""Settlement over /api/v1/: warranty-cost claims (the list, one claim, the decision, a re-check), old-part
tags and shipments (ship, inspect), monthly statements (issue, answer, reply) and deductions."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import ComplaintCase
from core.api import ViewPermissions, validated
from core.scoping import scope
from settlement import selectors, services
from settlement.models import Deduction, PartShipment, ReturnTag, SettlementStatement, WarrantyClaim
from settlement.serializers import (
    ClaimDecisionInputSerializer,
    ClaimDetailSerializer,
    ClaimSerializer,
    ComplaintDeductionInputSerializer,
    DeductionSerializer,
    InspectionInputSerializer,
    ReturnTagSerializer,
    ShipmentDetailSerializer,
    ShipmentInputSerializer,
    ShipmentSerializer,
    StatementAnswerInputSerializer,
    StatementDetailSerializer,
    StatementIssueInputSerializer,
    StatementReplyInputSerializer,
    StatementSerializer,
)


class ClaimListView(generics.ListAPIView):
    """Claims of your outlets, newest first (filter by status and outlet)."""

    serializer_class = ClaimSerializer
    permission_classes = [ViewPermissions]
    queryset = WarrantyClaim.objects.none()
    filterset_fields = ["status", "outlet"]  # indexed together (claim_outlet_status, claim_status)
    pages_by_outlet = True  # core.drf.KeysetPagination: a centre's pages outlet by outlet

    def get_queryset(self):
        return selectors.claim_list(user=self.request.user)


class ClaimDetailView(generics.RetrieveAPIView):
    serializer_class = ClaimDetailSerializer
    permission_classes = [ViewPermissions]
    queryset = WarrantyClaim.objects.none()

    def get_queryset(self):
        return selectors.claim_detail(user=self.request.user)


class ClaimDecisionView(APIView):
    """Headquarters (or a delegated centre) approves, adjusts (another amount, with the reason) or rejects."""

    @extend_schema(request=ClaimDecisionInputSerializer, responses=ClaimDetailSerializer)
    def post(self, request, pk: int):
        claim = get_object_or_404(selectors.claim_list(user=request.user), pk=pk)
        services.claim_decide(claim=claim, actor=request.user, **validated(ClaimDecisionInputSerializer, request.data))
        return Response(ClaimDetailSerializer(selectors.claim_detail(user=request.user).get(pk=pk)).data)


class ClaimRecheckView(APIView):
    """Check an undecided claim again against the order's records and the price list now in force."""

    @extend_schema(request=None, responses=ClaimDetailSerializer)
    def post(self, request, pk: int):
        claim = get_object_or_404(selectors.claim_list(user=request.user), pk=pk)
        services.claim_recheck(claim=claim, actor=request.user)
        return Response(ClaimDetailSerializer(selectors.claim_detail(user=request.user).get(pk=pk)).data)


class ReturnTagListView(generics.ListAPIView):
    """Old-part tags of your outlets (filter by status and outlet)."""

    serializer_class = ReturnTagSerializer
    permission_classes = [ViewPermissions]
    queryset = ReturnTag.objects.none()
    filterset_fields = ["status", "outlet"]  # indexed (return_tag_outlet_due, return_tag_due)
    pages_by_outlet = True  # core.drf.KeysetPagination: a centre's pages outlet by outlet

    def get_queryset(self):
        return scope(ReturnTag.objects.select_related("work_order", "engineer"), self.request.user)


class ShipmentListCreateView(generics.ListAPIView):
    """Old-part shipments of your outlets or centre; POST ships tagged parts of one outlet."""

    serializer_class = ShipmentSerializer
    permission_classes = [ViewPermissions]
    queryset = PartShipment.objects.none()
    filterset_fields = ["status", "outlet"]

    def get_queryset(self):
        return selectors.shipment_list(user=self.request.user)

    @extend_schema(request=ShipmentInputSerializer, responses={201: ShipmentDetailSerializer})
    def post(self, request):
        data = validated(ShipmentInputSerializer, request.data)
        tags = list(scope(ReturnTag.objects.select_related("outlet"), request.user).filter(pk__in=data["tags"]))
        if len(tags) != len(set(data["tags"])):
            raise serializers.ValidationError({"tags": [_("Unknown tag.")]})
        shipment = services.shipment_send(
            outlet=tags[0].outlet,
            tags=tags,
            carrier=data["carrier"],
            tracking_number=data["tracking_number"],
            actor=request.user,
        )
        return Response(ShipmentDetailSerializer(self.get_queryset().get(pk=shipment.pk)).data, status=201)


class ShipmentDetailView(generics.RetrieveAPIView):
    serializer_class = ShipmentDetailSerializer
    permission_classes = [ViewPermissions]
    queryset = PartShipment.objects.none()

    def get_queryset(self):
        return selectors.shipment_list(user=self.request.user).prefetch_related("tags__work_order", "tags__engineer")


class ShipmentInspectionView(APIView):
    """The centre records what it found for every part of the shipment."""

    @extend_schema(request=InspectionInputSerializer, responses=ShipmentDetailSerializer)
    def post(self, request, pk: int):
        shipment = get_object_or_404(selectors.shipment_list(user=request.user), pk=pk)
        data = validated(InspectionInputSerializer, request.data)
        results = {row["tag"]: (row["result"], row["note"]) for row in data["results"]}
        services.shipment_receive(shipment=shipment, results=results, actor=request.user)
        detail = selectors.shipment_list(user=request.user).prefetch_related("tags__work_order", "tags__engineer")
        return Response(ShipmentDetailSerializer(detail.get(pk=pk)).data)


class StatementListView(generics.ListAPIView):
    """Monthly statements of your outlets (filter by month and outlet)."""

    serializer_class = StatementSerializer
    permission_classes = [ViewPermissions]
    queryset = SettlementStatement.objects.none()
    filterset_fields = ["month", "outlet"]  # indexed together (statement_month_outlet, unique outlet+month)

    def get_queryset(self):
        return selectors.statement_list(user=self.request.user)


def _statement_detail(user):
    return selectors.statement_list(user=user).prefetch_related(
        Prefetch("claims", queryset=WarrantyClaim.objects.select_related("outlet", "work_order").order_by("id")),
        Prefetch("deductions", queryset=Deduction.objects.select_related("work_order").order_by("id")),
    )


class StatementDetailView(generics.RetrieveAPIView):
    serializer_class = StatementDetailSerializer
    permission_classes = [ViewPermissions]
    queryset = SettlementStatement.objects.none()

    def get_queryset(self):
        return _statement_detail(self.request.user)


class StatementIssueView(APIView):
    """Headquarters issues every outlet's statement of a month that is over (frozen once issued)."""

    @extend_schema(request=StatementIssueInputSerializer, responses={201: StatementSerializer(many=True)})
    def post(self, request):
        data = validated(StatementIssueInputSerializer, request.data)
        made = services.statements_issue(month=data["month"], actor=request.user)
        return Response(StatementSerializer(made, many=True).data, status=201)


class StatementAnswerView(APIView):
    """The outlet agrees to its statement, or disputes it with the reason."""

    @extend_schema(request=StatementAnswerInputSerializer, responses=StatementDetailSerializer)
    def post(self, request, pk: int):
        statement = get_object_or_404(selectors.statement_list(user=request.user), pk=pk)
        services.statement_answer(
            statement=statement, actor=request.user, **validated(StatementAnswerInputSerializer, request.data)
        )
        return Response(StatementDetailSerializer(_statement_detail(request.user).get(pk=pk)).data)


class StatementReplyView(APIView):
    """Headquarters replies to a disputed statement; it goes back to the outlet to answer again."""

    @extend_schema(request=StatementReplyInputSerializer, responses=StatementDetailSerializer)
    def post(self, request, pk: int):
        statement = get_object_or_404(selectors.statement_list(user=request.user), pk=pk)
        services.statement_reply(
            statement=statement, actor=request.user, **validated(StatementReplyInputSerializer, request.data)
        )
        return Response(StatementDetailSerializer(_statement_detail(request.user).get(pk=pk)).data)


class DeductionListCreateView(generics.ListAPIView):
    """Deductions of your outlets (filter by rule and statement); POST records a complaint upheld against its
    outlet (headquarters)."""

    serializer_class = DeductionSerializer
    permission_classes = [ViewPermissions]
    queryset = Deduction.objects.none()
    filterset_fields = ["statement"]  # indexed

    def get_queryset(self):
        return scope(Deduction.objects.select_related("work_order"), self.request.user)

    @extend_schema(request=ComplaintDeductionInputSerializer, responses={201: DeductionSerializer})
    def post(self, request):
        data = validated(ComplaintDeductionInputSerializer, request.data)
        case = get_object_or_404(scope(ComplaintCase.objects.all(), request.user), pk=data["complaint"])
        deduction = services.deduction_for_complaint(case=case, note=data["note"], actor=request.user)
        return Response(DeductionSerializer(deduction).data, status=201)
