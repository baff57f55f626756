"""A URL configuration for tests: the site's URLs plus small API views that fail on purpose."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import include, path
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from approdo.api.errors import Conflict
from approdo.core.decorators import public
from approdo.urls import handler400, handler403, handler404, handler500  # noqa: F401  (the site's)


class AddressSerializer(serializers.Serializer):
    city = serializers.CharField()


class EchoSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=0)
    address = AddressSerializer()
    tags = serializers.ListField(child=serializers.CharField(max_length=3), required=False)

    def validate(self, data):
        if data["name"] == "clash":
            raise serializers.ValidationError("This combination is not allowed.")
        return data


@api_view(["POST"])
def echo(request):
    serializer = EchoSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return Response(serializer.data, status=201)


@api_view(["GET"])
def forbidden(request):
    raise PermissionDenied


@api_view(["GET"])
def missing(request):
    raise NotFound("No such thing.")


@api_view(["POST"])
def conflict(request):
    raise Conflict("The campaign is closed.")


@api_view(["GET"])
def crash(request):
    raise RuntimeError("boom")


def private_page(request):
    return HttpResponse("private")


test_patterns = [
    path("echo", public(echo)),
    path("forbidden", public(forbidden)),
    path("missing", public(missing)),
    path("conflict", public(conflict)),
    path("crash", public(crash)),
    path("private", private_page),
]

urlpatterns = [
    path("api/v1/test/", include(test_patterns)),
    path("", include("approdo.urls")),
]
