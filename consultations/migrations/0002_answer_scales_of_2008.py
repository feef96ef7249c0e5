"""The answer scales of the 2008 joint engagement strategy's survey (decision 10): the confidence
question's five points, the four points of worry about crime, and agreement. Created only where
missing, so the office's edits in the admin survive."""

from django.db import migrations

SCALES = (
    ("how-good-a-job", "How good a job", ("Excellent", "Good", "Fair", "Poor", "Very poor")),
    (
        "how-worried",
        "How worried",
        ("Very worried", "Fairly worried", "Not very worried", "Not at all worried"),
    ),
    (
        "agreement",
        "Agreement",
        (
            "Strongly agree",
            "Tend to agree",
            "Neither agree nor disagree",
            "Tend to disagree",
            "Strongly disagree",
        ),
    ),
)


def add_scales(apps, schema_editor):
    AnswerScale = apps.get_model("consultations", "AnswerScale")
    ScalePoint = apps.get_model("consultations", "ScalePoint")
    for slug, name, labels in SCALES:
        scale, created = AnswerScale.objects.get_or_create(slug=slug, defaults={"name": name})
        if created:
            ScalePoint.objects.bulk_create(
                ScalePoint(scale=scale, position=position, label=label)
                for position, label in enumerate(labels, start=1)
            )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_consultations_and_questions")]

    operations = [migrations.RunPython(add_scales, migrations.RunPython.noop)]
