"""The API of the reports that are not KPI tables: the centre's daily reconciliation with each outlet."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import validated
from core.scoping import visible_outlets
from core.serializers import DateField, Serializer
from kpis import selectors


class DayQuery(Serializer):
    day = DateField(required=False)
    outlet = serializers.IntegerField(required=False)


class OutletReconciliationView(APIView):
    """The centre's reconciliation with each outlet for a day: visits, signed records, callbacks made,
    findings (callbacks the customer contradicted) and the differences still open."""

    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE), OpenApiParameter("outlet", OpenApiTypes.INT)],
        responses=inline_serializer(
            "OutletReconciliation",
            {
                "day": DateField(),
                "outlets": inline_serializer(
                    "OutletReconciliationRow",
                    {
                        "outlet_id": serializers.IntegerField(),
                        "outlet": serializers.CharField(),
                        "visits": serializers.IntegerField(),
                        "signed": serializers.IntegerField(),
                        "missing": serializers.IntegerField(),
                        "callbacks_made": serializers.IntegerField(),
                        "findings": serializers.ListField(child=serializers.IntegerField()),
                        "remedial_open": serializers.IntegerField(),
                        "open_differences": serializers.IntegerField(),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        if not request.user.has_perm("dispatch.reconcile_appointment"):
            raise PermissionDenied
        query = validated(DayQuery, request.query_params.dict())
        day = query.get("day") or timezone.localdate()
        outlet = None
        if "outlet" in query:
            outlet = visible_outlets(request.user).filter(pk=query["outlet"]).first()
            if outlet is None:
                raise NotFound
        rows = selectors.outlet_reconciliation(user=request.user, day=day, outlet=outlet)
        return Response(
            {
                "day": day,
                "outlets": [
                    {
                        "outlet_id": row.outlet.pk,
                        "outlet": row.outlet.name,
                        "visits": row.visits,
                        "signed": row.signed,
                        "missing": row.missing,
                        "callbacks_made": row.callbacks_made,
                        "findings": [c.pk for c in row.findings],
                        "remedial_open": row.remedial_open,
                        "open_differences": row.open_differences,
                    }
                    for row in rows
                ],
            }
        )
