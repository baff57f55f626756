from django.db import migrations
from django.utils import translation


def create_default_terms(apps, schema_editor):
    from approdo.taxonomy import defaults

    Action = apps.get_model("taxonomy", "Action")
    TargetGroup = apps.get_model("taxonomy", "TargetGroup")
    with translation.override("it"):
        for position, (code, label) in enumerate(defaults.ACTIONS.items()):
            Action.objects.get_or_create(
                code=code, defaults={"label": str(label), "position": position}
            )
        for position, (code, (label, parent)) in enumerate(defaults.TARGETS.items()):
            TargetGroup.objects.get_or_create(
                code=code,
                defaults={"label": str(label), "position": position, "parent_id": parent},
            )


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(create_default_terms, migrations.RunPython.noop)]
