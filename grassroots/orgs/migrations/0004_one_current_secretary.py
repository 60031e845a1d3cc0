from django.db import migrations, models
from django.db.models import Count


def refuse_two_secretaries(apps, schema_editor):
    """A database written before the constraint may hold terms with several current
    secretaries (concurrent appointments): name them rather than fail on the index."""
    Post = apps.get_model("orgs", "Post")
    terms = list(
        Post.objects.filter(post="secretary", ended_on__isnull=True)
        .values("term")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("term", flat=True)
    )
    if terms:
        raise RuntimeError(
            f"Terms with more than one current secretary (term ids {terms}): record the end "
            "(离任) of all but one before migrating."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_organization_member_count"),
    ]

    operations = [
        migrations.RunPython(refuse_two_secretaries, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="post",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ended_on__isnull", True), ("post", "secretary")),
                fields=("term",),
                name="one_current_secretary",
            ),
        ),
    ]
