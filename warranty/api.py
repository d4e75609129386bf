from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ViewPermissions, validated
from warranty import selectors
from warranty.serializers import (
    EvaluateInputSerializer,
    EvaluateOutputSerializer,
    FeeScheduleDetailSerializer,
    FeeScheduleSerializer,
    PolicySerializer,
    QuoteInputSerializer,
    QuoteOutputSerializer,
)
from warranty.services import case_from, quote_compute, warranty_evaluate


class EvaluateView(APIView):
    """What the customer is entitled to under 三包 for this product and fault (any staff)."""

    @extend_schema(request=EvaluateInputSerializer, responses=EvaluateOutputSerializer)
    def post(self, request):
        data = validated(EvaluateInputSerializer, request.data)
        evaluation = warranty_evaluate(policy_code=data["policy"], case=case_from(data))
        return Response(EvaluateOutputSerializer(evaluation).data)


class PolicyListView(generics.ListAPIView):
    """Warranty policies with all their versions (newest first)."""

    serializer_class = PolicySerializer
    permission_classes = [ViewPermissions]
    pagination_class = None  # a few dozen policies at most

    def get_queryset(self):
        return selectors.policy_list()


class FeeScheduleListView(generics.ListAPIView):
    """Fee schedule versions (drafts only for those who edit schedules), newest first."""

    serializer_class = FeeScheduleSerializer
    permission_classes = [ViewPermissions]
    pagination_class = None  # one version a year or so

    def get_queryset(self):
        return selectors.fee_schedule_list(user=self.request.user)


class FeeScheduleDetailView(generics.RetrieveAPIView):
    serializer_class = FeeScheduleDetailSerializer
    permission_classes = [ViewPermissions]

    def get_queryset(self):
        return selectors.fee_schedule_with_rates(user=self.request.user)


class QuoteView(APIView):
    """Price a job from the fee schedule in force (today, or on `on`)."""

    @extend_schema(request=QuoteInputSerializer, responses=QuoteOutputSerializer)
    def post(self, request):
        data = validated(QuoteInputSerializer, request.data)
        data["parts"] = [(p["code"], p["quantity"]) for p in data["parts"]]
        result = quote_compute(**data)
        return Response(QuoteOutputSerializer(result).data)
