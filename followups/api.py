"""The call queue over /api/v1/: list, claim, record the outcome."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ViewPermissions, validated
from core.filters import IncrementalSync, SyncFilterSet
from followups import selectors, services
from followups.models import Callback
from followups.serializers import CallbackDetailSerializer, CallbackSerializer, OutcomeInputSerializer


class CallbackFilter(SyncFilterSet):
    class Meta:
        model = Callback
        fields = ["status", "outlet"]  # indexed with due_at


class CallbackListView(IncrementalSync, generics.ListAPIView):
    """Callbacks of your outlets (filter by status: queued, claimed, failed, ...), newest first."""

    serializer_class = CallbackSerializer
    permission_classes = [ViewPermissions]
    queryset = Callback.objects.none()
    filterset_class = CallbackFilter
    pages_by_outlet = True  # core.drf.KeysetPagination: a centre's pages outlet by outlet

    def get_queryset(self):
        return selectors.call_queue_all(user=self.request.user)


def _answer(request, pk: int) -> Response:
    callback = selectors.callback_detail(user=request.user).get(pk=pk)
    return Response(CallbackDetailSerializer(callback, context={"request": request}).data)


class CallbackClaimView(APIView):
    """Take a due callback for 15 minutes; 409 when another clerk has it."""

    @extend_schema(request=None, responses=CallbackDetailSerializer)
    def post(self, request, pk: int):
        callback = get_object_or_404(selectors.call_queue_all(user=request.user), pk=pk)
        services.callback_claim(callback=callback, actor=request.user)
        return _answer(request, pk)


class CallbackOutcomeView(APIView):
    """Record the outcome of the call (the callback must be yours)."""

    @extend_schema(request=OutcomeInputSerializer, responses=CallbackDetailSerializer)
    def post(self, request, pk: int):
        callback = get_object_or_404(selectors.call_queue_all(user=request.user), pk=pk)
        data = validated(OutcomeInputSerializer, request.data)
        services.callback_record(callback=callback, actor=request.user, **data)
        return _answer(request, pk)
