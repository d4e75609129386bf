"""Complaints over /api/v1/: feedback, cases, their steps, escalation, remedies and approvals."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import selectors, services
from complaints.models import ComplaintCase, Feedback
from complaints.serializers import (
    CaseDetailSerializer,
    CaseInputSerializer,
    CaseSerializer,
    ConfirmationInputSerializer,
    DecisionInputSerializer,
    EscalateInputSerializer,
    FeedbackInputSerializer,
    FeedbackSerializer,
    RemedyInputSerializer,
    RemedySerializer,
    StepInputSerializer,
)
from core.api import ViewPermissions, validated
from core.filters import IncrementalSync, SyncFilterSet
from core.scoping import visible_outlets, visible_staff
from workorders.selectors import work_order_list


class FeedbackListCreateView(generics.ListAPIView):
    """Feedback of your outlets (filter by type); POST records feedback."""

    serializer_class = FeedbackSerializer
    permission_classes = [ViewPermissions]
    queryset = Feedback.objects.none()
    filterset_fields = ["type", "outlet"]  # indexed together
    pages_by_outlet = True  # core.drf.KeysetPagination: a centre's pages outlet by outlet

    def get_queryset(self):
        return selectors.feedback_list(user=self.request.user)

    @extend_schema(request=FeedbackInputSerializer, responses={201: FeedbackSerializer})
    def post(self, request):
        data = validated(FeedbackInputSerializer, request.data)
        outlet = get_object_or_404(visible_outlets(request.user), pk=data.pop("outlet"))
        order_id, staff_id = data.pop("work_order"), data.pop("praised_staff")
        order = get_object_or_404(work_order_list(user=request.user), pk=order_id) if order_id else None
        staff = visible_staff(request.user).filter(pk=staff_id).first() if staff_id else None
        if staff_id and staff is None:
            raise serializers.ValidationError({"praised_staff": [_("Unknown staff member.")]})
        feedback = services.feedback_record(
            outlet=outlet,
            work_order=order,
            customer=order.customer if order else None,
            praised_staff=staff,
            actor=request.user,
            **data,
        )
        return Response(
            FeedbackSerializer(self.get_queryset().get(pk=feedback.pk)).data, status=status.HTTP_201_CREATED
        )


class CaseFilter(SyncFilterSet):
    class Meta:
        model = ComplaintCase
        fields = ["status", "outlet"]  # indexed together


class CaseListCreateView(IncrementalSync, generics.ListAPIView):
    """Complaint cases of your outlets (filter by status); POST opens one from a work order."""

    serializer_class = CaseSerializer
    permission_classes = [ViewPermissions]
    queryset = ComplaintCase.objects.none()
    filterset_class = CaseFilter
    pages_by_outlet = True  # core.drf.KeysetPagination: a centre's pages outlet by outlet

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    @extend_schema(request=CaseInputSerializer, responses={201: CaseDetailSerializer})
    def post(self, request):
        data = validated(CaseInputSerializer, request.data)
        order_id, phone, outlet_id = (
            data.pop("work_order", None),
            data.pop("customer_phone", ""),
            data.pop("outlet", None),
        )
        if order_id is None and not phone and not data["caller_phone"]:
            raise serializers.ValidationError({"work_order": [_("Give the work order or the customer's phone.")]})
        order = get_object_or_404(work_order_list(user=request.user), pk=order_id) if order_id else None
        outlet = get_object_or_404(visible_outlets(request.user), pk=outlet_id) if outlet_id else None
        key = order.number if order else phone
        case = services.case_open_for(key=key, outlet=outlet, actor=request.user, **data)
        return _answer(request, case.pk, status.HTTP_201_CREATED)


def _answer(request, pk: int, code=status.HTTP_200_OK) -> Response:
    case = selectors.case_detail(user=request.user).get(pk=pk)
    return Response(CaseDetailSerializer(case).data, status=code)


class CaseDetailView(generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer
    permission_classes = [ViewPermissions]
    queryset = ComplaintCase.objects.none()

    def get_queryset(self):
        return selectors.case_detail(user=self.request.user)


CASE_ACTIONS = {
    "steps": (StepInputSerializer, services.case_step_record),
    "escalation": (EscalateInputSerializer, services.case_escalate),
    "remedies": (RemedyInputSerializer, services.remedy_propose),
    "confirmation": (ConfirmationInputSerializer, services.case_request_confirmation),
}


class CaseActionView(APIView):
    """steps (a handling step), escalation (to a supervisor, with the reason), remedies (offer one),
    confirmation (lessons learned; asks for the callback in which the customer confirms: only a
    "satisfied" there closes the case)."""

    @extend_schema(
        request={f"application/json; action={name}": s for name, (s, _f) in CASE_ACTIONS.items()},
        responses=CaseDetailSerializer,
        operation_id="v1_complaints_act",
    )
    def post(self, request, pk: int, action: str):
        case = get_object_or_404(selectors.case_list(user=request.user), pk=pk)
        if action not in CASE_ACTIONS:
            return Response(status=status.HTTP_404_NOT_FOUND)
        serializer_class, service = CASE_ACTIONS[action]
        service(case=case, actor=request.user, **validated(serializer_class, request.data))
        return _answer(request, pk)


class RemedyDecisionView(APIView):
    """A supervisor approves or rejects a remedy above the handler's authority."""

    @extend_schema(request=DecisionInputSerializer, responses=RemedySerializer)
    def post(self, request, pk: int):
        remedy = get_object_or_404(selectors.pending_approvals(user=request.user), pk=pk)
        remedy = services.remedy_decide(
            remedy=remedy, actor=request.user, **validated(DecisionInputSerializer, request.data)
        )
        return Response(RemedySerializer(remedy).data)
