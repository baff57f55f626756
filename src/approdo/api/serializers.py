from rest_framework import serializers


class WorkerStatusSerializer(serializers.Serializer):
    last_seen = serializers.DateTimeField(
        allow_null=True, help_text="Latest heartbeat of any background worker."
    )
    ok = serializers.BooleanField(help_text="A worker gave a heartbeat within the last minute.")
    running = serializers.IntegerField(help_text="Workers seen within the last minute.")


class StatusSerializer(serializers.Serializer):
    type = serializers.CharField(default="about:blank")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    version = serializers.CharField(help_text="Version of the Approdo software.")
    api_version = serializers.CharField(help_text="Version of this API (SemVer).")
    health = serializers.ChoiceField(
        choices=["ok", "degraded", "unavailable"],
        help_text="ok; degraded when no background worker is running; unavailable when the "
        "database cannot be reached.",
    )
    database = serializers.ChoiceField(choices=["ok", "unreachable"])
    worker = WorkerStatusSerializer()


class MembershipSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField(source="organization.pk")
    organization = serializers.CharField(source="organization.name")
    organization_kind = serializers.CharField(source="organization.kind")
    role = serializers.CharField()
    role_label = serializers.CharField(source="get_role_display")
    zona = serializers.CharField(source="zona.slug", allow_null=True, help_text="Scope, if any.")
    asl = serializers.CharField(source="asl.slug", allow_null=True, help_text="Scope, if any.")


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    prefix = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    memberships = MembershipSerializer(many=True)
    token = TokenInfoSerializer(allow_null=True, help_text="The token used, if any.")
