"""Warranty-cost claims over /api/v1/: the list and one claim, the decision, a re-check."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ViewPermissions, validated
from settlement import selectors, services
from settlement.models import WarrantyClaim
from settlement.serializers import ClaimDecisionInputSerializer, ClaimDetailSerializer, ClaimSerializer


class ClaimListView(generics.ListAPIView):
    """Claims of your outlets, newest first (filter by status and outlet)."""

    serializer_class = ClaimSerializer
    permission_classes = [ViewPermissions]
    queryset = WarrantyClaim.objects.none()
    filterset_fields = ["status", "outlet"]  # indexed together (claim_outlet_status, claim_status)

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
