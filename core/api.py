"""Core API endpoints: token exchange, the current user, outlets and centres."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, generics, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors, services
from core.exports import FORMATS, csv_response, file_response, xlsx_response
from core.models import ApiToken, ExportJob, ServiceCentre
from core.serializers import (
    CentreOutputSerializer,
    MeSerializer,
    OutletInputSerializer,
    OutletOutputSerializer,
)


class TokenObtainInputSerializer(AuthTokenSerializer):
    name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    days = serializers.IntegerField(min_value=1, max_value=366, required=False, allow_null=True, default=None)


class TokenObtainView(APIView):
    """Exchange a username and password for a new API token (stored hashed, valid `days`, 90 by default).

    Failed attempts count towards django-axes' lockout of that user from that client (address and user
    agent), as on the login page; the browser login of the same person elsewhere stays open."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(
        request=TokenObtainInputSerializer,
        responses=inline_serializer(
            "TokenResponse", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
        ),
        auth=[],
    )
    def post(self, request):
        serializer = TokenObtainInputSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes marks the request when the account is locked (same limit as the login page).
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                raise exceptions.Throttled(detail=_("Too many failed logins: this account is locked for 15 minutes."))
            raise exceptions.ValidationError(serializer.errors)
        data = serializer.validated_data
        token, text = services.api_token_create(user=data["user"], name=data["name"] or "API", days=data["days"])
        return Response({"token": text, "expiry": token.expiry}, status=status.HTTP_200_OK)


class TokenRevokeView(APIView):
    """Revoke the token this request was made with (a token-authenticated request only)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError(_("Only a request made with a token can revoke it."))
        services.api_token_revoke(user=request.user, token_key=request.auth.token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Staff, outlets, centres ----------------------------------------------------------------


class ViewPermissions(DjangoModelPermissions):
    """Model permissions, with `view_` required for reads (DRF's default lets any user read)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}

    def _queryset(self, view):
        # Only its model is read: the view's class queryset names it without building (and scoping)
        # the view's own queryset, which the view builds again for its work.
        queryset = getattr(view, "queryset", None)
        return queryset if queryset is not None else super()._queryset(view)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class OutletListCreateView(generics.ListAPIView):
    """Outlets the caller may see; admins create outlets in their scope."""

    serializer_class = OutletOutputSerializer
    permission_classes = [ViewPermissions]
    filterset_fields = ["centre"]  # indexed (foreign key)

    def get_queryset(self):
        return selectors.outlet_list(user=self.request.user)

    @extend_schema(request=OutletInputSerializer, responses={201: OutletOutputSerializer})
    def post(self, request):
        data = validated(OutletInputSerializer, request.data)
        outlet = services.outlet_save(actor=request.user, **data)
        return Response(OutletOutputSerializer(outlet).data, status=status.HTTP_201_CREATED)


class OutletDetailView(generics.RetrieveAPIView):
    serializer_class = OutletOutputSerializer
    permission_classes = [ViewPermissions]

    def get_queryset(self):
        return selectors.outlet_list(user=self.request.user)

    @extend_schema(request=OutletInputSerializer, responses=OutletOutputSerializer)
    def put(self, request, pk: int):
        outlet = get_object_or_404(self.get_queryset(), pk=pk)
        data = validated(OutletInputSerializer, request.data)
        outlet = services.outlet_save(outlet=outlet, actor=request.user, **data)
        return Response(OutletOutputSerializer(outlet).data)


class CentreListView(generics.ListAPIView):
    serializer_class = CentreOutputSerializer
    permission_classes = [ViewPermissions]
    queryset = ServiceCentre.objects.all()


def validated(serializer_class, data) -> dict:
    """Input checked by an input serializer (400 with field messages otherwise), as a plain dict."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ExportJobSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "export",
            "format",
            "status",
            "rows_total",
            "rows_done",
            "percent",
            "created_at",
            "expires_at",
            "download",
        ]

    def get_download(self, job) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        return self.context["request"].build_absolute_uri(reverse("api-export-download", args=[job.pk]))


class ExportView(APIView):
    """A list exported as CSV or Excel under the list's own filters (query parameters as on its page and
    its list endpoint), in the caller's scope. Up to EXPORT_STREAM_LIMIT rows the file is the response;
    above, 202 with the export job to follow (`GET /exports/jobs/<id>/`) until its download is ready."""

    @extend_schema(responses={(200, "text/csv"): bytes, 202: ExportJobSerializer})
    def get(self, request, name: str, fmt: str):
        if fmt not in FORMATS:
            raise exceptions.NotFound()
        sheet = services.export_sheet(name=name, query=request.query_params, user=request.user)
        if sheet.count(settings.EXPORT_STREAM_LIMIT + 1) > settings.EXPORT_STREAM_LIMIT:
            job = services.export_job_start(name=name, fmt=fmt, query=request.query_params, user=request.user)
            return Response(
                ExportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED
            )
        return csv_response(sheet) if fmt == "csv" else xlsx_response(sheet, exported_by=request.user.name)


class ExportJobView(generics.RetrieveAPIView):
    """One's own large export: its progress, and the download once written."""

    serializer_class = ExportJobSerializer

    def get_queryset(self):
        return ExportJob.objects.filter(owner=self.request.user)


class ExportDownloadView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        job = get_object_or_404(ExportJob.objects.filter(owner=request.user), pk=pk)
        return file_response(job)
