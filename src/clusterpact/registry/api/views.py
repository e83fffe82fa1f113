"""Viewsets of the registry API.

Every queryset starts from ``clusters_for`` / ``organisations_for``, so what a
user may read is decided in :mod:`clusterpact.registry.permissions` and
nowhere else; writes are checked by :class:`.permissions.RegistryPermission`,
which asks the same module.
"""

from __future__ import annotations

import datetime as dt

from axes.helpers import get_cool_off
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clusterpact.accounts import audit
from clusterpact.registry.forms import OrganisationFilterForm
from clusterpact.registry.models import ClusterKind, FeeRate, HelixRole, Membership, SizeClass
from clusterpact.registry.permissions import clusters_for, organisations_for
from clusterpact.registry.views import filter_organisations

from . import serializers as api_serializers
from .permissions import CLUSTER, REGISTRY, RegistryPermission

READ_AND_WRITE = ["get", "post", "put", "patch", "head", "options"]


class RegistryPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class AuditedWritesMixin:
    """Attribute every write to the request's user in the audit trail.

    The audit middleware runs before DRF authenticates a token, so for token
    requests it sees an anonymous user; the viewset sets the actor itself.
    After a write the object is read back through the (annotated) queryset so
    the response carries the same derived fields as a read.
    """

    def perform_create(self, serializer):
        with transaction.atomic(), audit.acting_as(self.request.user):
            serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        with transaction.atomic(), audit.acting_as(self.request.user):
            serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        with transaction.atomic(), audit.acting_as(self.request.user):
            instance.delete()


class RegistryViewSet(AuditedWritesMixin, viewsets.ModelViewSet):
    permission_classes = [RegistryPermission]
    pagination_class = RegistryPagination


class _ParameterSerializer(serializers.Serializer):
    """Validates list filters of the simple viewsets; a bad value is a 400, not an empty list."""

    cluster = serializers.SlugField(required=False, help_text=_("Slug of a cluster."))

    @classmethod
    def cleaned(cls, request) -> dict:
        parameters = cls(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        return parameters.validated_data


class ClusterParameters(_ParameterSerializer):
    cluster = None
    q = serializers.CharField(required=False, help_text=_("Text in the name or domain."))
    kind = serializers.ChoiceField(choices=ClusterKind.choices, required=False)


class MembershipParameters(_ParameterSerializer):
    organisation = serializers.IntegerField(
        required=False, help_text=_("Id of a member organisation.")
    )
    active_on = serializers.DateField(
        required=False, help_text=_("Only memberships active on this day.")
    )


class FeeRateParameters(_ParameterSerializer):
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2200)


ORGANISATION_PARAMETERS = [
    OpenApiParameter("q", str, description=_("Name, or (part of) an enterprise number.")),
    OpenApiParameter("helix_role", str, enum=HelixRole.values),
    OpenApiParameter("size_class", str, enum=SizeClass.values),
    OpenApiParameter("section", str, description=_("NACE section letter, e.g. C.")),
    OpenApiParameter("cluster", str, description=_("Slug of a cluster in your scope.")),
    OpenApiParameter("young", bool, description=_("Only young firms.")),
]


@extend_schema(
    description=_(
        "Clusters whose member data you may read: all of them for the agency and "
        "evaluators, your own for a cluster manager. Only the agency registers and "
        "changes clusters."
    )
)
@extend_schema_view(
    list=extend_schema(
        summary=_("Clusters in your scope"),
        parameters=[ClusterParameters],
    ),
    retrieve=extend_schema(summary=_("One cluster")),
    create=extend_schema(summary=_("Register a cluster (agency)")),
    update=extend_schema(summary=_("Change a cluster (agency)")),
    partial_update=extend_schema(summary=_("Change some fields of a cluster (agency)")),
)
class ClusterViewSet(RegistryViewSet):
    serializer_class = api_serializers.ClusterSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    write_scope = REGISTRY
    http_method_names = READ_AND_WRITE

    def get_queryset(self):
        today = timezone.localdate()
        active = Q(memberships__start__lte=today) & (
            Q(memberships__end__isnull=True) | Q(memberships__end__gte=today)
        )
        clusters = (
            clusters_for(self.request.user)
            .annotate(
                member_count=Count("memberships", filter=active, distinct=True),
                membership_count=Count("memberships", distinct=True),
            )
            .prefetch_related("transition_priorities")
            .order_by("name")
        )
        if self.action == "list":
            parameters = ClusterParameters.cleaned(self.request)
            if parameters.get("q"):
                clusters = clusters.filter(
                    Q(name__icontains=parameters["q"])
                    | Q(domain_description__icontains=parameters["q"])
                )
            if parameters.get("kind"):
                clusters = clusters.filter(kind=parameters["kind"])
        return clusters


@extend_schema(
    description=_(
        "Organisations you may read: all of them for the agency and evaluators, the "
        "members of your clusters for a cluster manager. Only the agency registers and "
        "changes organisations."
    )
)
@extend_schema_view(
    list=extend_schema(
        summary=_("Organisations in your scope"), parameters=ORGANISATION_PARAMETERS
    ),
    retrieve=extend_schema(summary=_("One organisation")),
    create=extend_schema(summary=_("Register an organisation (agency)")),
    update=extend_schema(summary=_("Change an organisation (agency)")),
    partial_update=extend_schema(summary=_("Change some fields of an organisation (agency)")),
)
class OrganisationViewSet(RegistryViewSet):
    serializer_class = api_serializers.OrganisationSerializer
    write_scope = REGISTRY
    http_method_names = READ_AND_WRITE

    def get_queryset(self):
        user = self.request.user
        organisations = organisations_for(user)
        if self.action == "list":
            # The page's own form and filter function: the API filters exactly as the page does.
            form = OrganisationFilterForm(
                self.request.query_params, clusters=clusters_for(user).order_by("name")
            )
            if not form.is_valid():
                raise ValidationError(form.errors)
            organisations = filter_organisations(
                organisations, form.cleaned_data, timezone.localdate().year
            )
        return organisations.order_by("name", "id")


@extend_schema(
    description=_(
        "Memberships of the clusters in your scope. The agency changes any of them, a "
        "cluster manager those of the clusters they keep."
    )
)
@extend_schema_view(
    list=extend_schema(
        summary=_("Memberships of the clusters in your scope"),
        parameters=[MembershipParameters],
    ),
    retrieve=extend_schema(summary=_("One membership")),
    create=extend_schema(summary=_("Add a member to a cluster you keep")),
    update=extend_schema(summary=_("Change a membership")),
    partial_update=extend_schema(summary=_("Change some fields of a membership")),
    destroy=extend_schema(summary=_("Delete a membership entered by mistake")),
)
class MembershipViewSet(RegistryViewSet):
    serializer_class = api_serializers.MembershipSerializer
    write_scope = CLUSTER

    def get_queryset(self):
        memberships = (
            Membership.objects.filter(cluster__in=clusters_for(self.request.user))
            .select_related("cluster", "organisation")
            .order_by("cluster__name", "organisation__name", "start", "id")
        )
        if self.action == "list":
            parameters = MembershipParameters.cleaned(self.request)
            if parameters.get("cluster"):
                memberships = memberships.filter(cluster__slug=parameters["cluster"])
            if parameters.get("organisation"):
                memberships = memberships.filter(organisation_id=parameters["organisation"])
            if parameters.get("active_on"):
                day: dt.date = parameters["active_on"]
                memberships = memberships.active_on(day)
        return memberships


@extend_schema(
    description=_(
        "Yearly fee rates per helix role and size class. The agency changes any "
        "schedule, a cluster manager those of the clusters they keep."
    )
)
@extend_schema_view(
    list=extend_schema(
        summary=_("Fee schedules of the clusters in your scope"),
        parameters=[FeeRateParameters],
    ),
    retrieve=extend_schema(summary=_("One fee rate")),
    create=extend_schema(summary=_("Add a fee rate to a cluster you keep")),
    update=extend_schema(summary=_("Change a fee rate")),
    partial_update=extend_schema(summary=_("Change some fields of a fee rate")),
    destroy=extend_schema(summary=_("Delete a fee rate")),
)
class FeeRateViewSet(RegistryViewSet):
    serializer_class = api_serializers.FeeRateSerializer
    write_scope = CLUSTER

    def get_queryset(self):
        rates = (
            FeeRate.objects.filter(cluster__in=clusters_for(self.request.user))
            .select_related("cluster")
            .order_by("cluster__name", "-year", "helix_role", "size_class", "id")
        )
        if self.action == "list":
            parameters = FeeRateParameters.cleaned(self.request)
            if parameters.get("cluster"):
                rates = rates.filter(cluster__slug=parameters["cluster"])
            if parameters.get("year"):
                rates = rates.filter(year=parameters["year"])
        return rates


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=_("Who you are: role and the clusters you keep"),
        description=_("Your account's role and the clusters you keep as cluster manager."),
        responses=api_serializers.MeSerializer,
    )
    def get(self, request):
        return Response(api_serializers.MeSerializer(request.user).data)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as the header: Authorization: Token …"))


class LockedOutSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token.

    Authentication runs through the same backends as the login page, django-axes
    first, so failures count towards the same lock-out. Axes marks the DRF
    request it was handed, not the Django request its middleware inspects, so
    the lock-out answer is given here.
    """

    @extend_schema(
        summary=_("Obtain your API token"),
        description=_(
            "Exchange your username and password for your API token. Failed attempts "
            "count towards the same lock-out as the login page."
        ),
        request=ObtainAuthToken.serializer_class,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Wrong username or password.")),
            429: OpenApiResponse(
                response=LockedOutSerializer,
                description=_("Too many failed attempts: locked out for a while."),
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if not getattr(request, "axes_locked_out", False):
                raise
        response = Response(
            {"detail": _("Too many failed login attempts. Try again later.")},
            status=status.HTTP_429_TOO_MANY_REQUESTS,
        )
        cool_off = get_cool_off(request)
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from self-hosted files, its set-up script served as a file of its own.

    drf-spectacular's page template carries an inline ``<style>``, which the
    content-security policy forbids; this view writes the same page without it.
    """

    url_name = "api:schema"
    permission_classes = [AllowAny]
    title = _("clusterpact API")

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is not None:
            return response
        data = response.data
        page = format_html(
            '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{title}</title>"
            '<link rel="icon" href="{favicon}"><link rel="stylesheet" href="{css}"></head>'
            '<body><div id="swagger-ui"></div>'
            '<script src="{bundle}"></script><script src="{preset}"></script>'
            '<script src="{script}"></script></body></html>',
            lang=get_language() or "nl",
            title=data["title"],
            favicon=data["favicon_href"],
            css=data["swagger_ui_css"],
            bundle=data["swagger_ui_bundle"],
            preset=data["swagger_ui_standalone"],
            script=data["script_url"],
        )
        return HttpResponse(page, headers={"Cross-Origin-Opener-Policy": "unsafe-none"})
