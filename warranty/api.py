from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ViewPermissions
from warranty import selectors
from warranty.serializers import EvaluateInputSerializer, EvaluateOutputSerializer, PolicySerializer
from warranty.services import case_from, warranty_evaluate


class EvaluateView(APIView):
    """What the customer is entitled to under 三包 for this product and fault (any staff)."""

    @extend_schema(request=EvaluateInputSerializer, responses=EvaluateOutputSerializer)
    def post(self, request):
        serializer = EvaluateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evaluation = warranty_evaluate(policy_code=data["policy"], case=case_from(data))
        return Response(EvaluateOutputSerializer(evaluation).data)


class PolicyListView(generics.ListAPIView):
    """Warranty policies with all their versions (newest first)."""

    serializer_class = PolicySerializer
    permission_classes = [ViewPermissions]
    pagination_class = None  # a few dozen policies at most

    def get_queryset(self):
        return selectors.policy_list()
