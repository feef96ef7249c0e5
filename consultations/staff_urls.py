"""The staff pages of consultations, included by the root URLconf."""

from django.urls import path

from . import (
    build_views,
    document_views,
    keying_views,
    measure_views,
    outcome_views,
    person_views,
    staff_views,
    theme_views,
)

app_name = "consultations_staff"
urlpatterns = [
    path("staff/consultations/people/", person_views.person_search, name="people"),
    path(
        "staff/consultations/people/download/",
        person_views.person_download,
        name="person_download",
    ),
    path("staff/consultations/people/erase/", person_views.person_erase, name="person_erase"),
    path("staff/consultations/", staff_views.consultation_list, name="list"),
    # Building a consultation: its details, questions, preview, publishing and history.
    path("staff/consultations/new/", build_views.consultation_create, name="create"),
    path("staff/consultations/<int:pk>/", build_views.consultation_overview, name="overview"),
    path("staff/consultations/<int:pk>/details/", build_views.consultation_edit, name="edit"),
    path("staff/consultations/<int:pk>/questions/", build_views.question_list, name="questions"),
    path(
        "staff/consultations/<int:pk>/questions/new/",
        build_views.question_add,
        name="question_add",
    ),
    path(
        "staff/consultations/<int:pk>/questions/precept/",
        build_views.precept_add,
        name="precept_add",
    ),
    path(
        "staff/consultations/<int:pk>/questions/<int:question_pk>/",
        build_views.question_edit,
        name="question_edit",
    ),
    path(
        "staff/consultations/<int:pk>/questions/<int:question_pk>/delete/",
        build_views.question_delete,
        name="question_delete",
    ),
    path(
        "staff/consultations/<int:pk>/preview/",
        build_views.consultation_preview,
        name="preview",
    ),
    path("staff/consultations/measures/", measure_views.measure_list, name="measures"),
    path(
        "staff/consultations/measures/<slug:slug>/",
        measure_views.measure_trend_page,
        name="measure_trend",
    ),
    path(
        "staff/consultations/<int:pk>/results/",
        staff_views.consultation_results_page,
        name="results",
    ),
    path(
        "staff/consultations/<int:pk>/results/questions/<int:question_pk>/answers/",
        staff_views.text_answer_list,
        name="text_answers",
    ),
    path("staff/consultations/<int:pk>/themes/", theme_views.theme_list, name="themes"),
    path(
        "staff/consultations/<int:pk>/themes/<int:theme_pk>/",
        theme_views.theme_change,
        name="theme_change",
    ),
    path(
        "staff/consultations/<int:pk>/themes/<int:theme_pk>/remove/",
        theme_views.theme_remove,
        name="theme_remove",
    ),
    path("staff/consultations/<int:pk>/outcome/", outcome_views.outcome_page, name="outcome"),
    path(
        "staff/consultations/<int:pk>/outcome/publish/",
        outcome_views.outcome_publish,
        name="outcome_publish",
    ),
    path("staff/consultations/<int:pk>/responses.csv", staff_views.export_csv, name="export_csv"),
    path(
        "staff/consultations/<int:pk>/equality/",
        staff_views.equality_tables_page,
        name="equality",
    ),
    path(
        "staff/consultations/<int:pk>/equality-answers.csv",
        staff_views.export_equality_csv,
        name="export_equality_csv",
    ),
    path(
        "staff/consultations/<int:pk>/responses.xlsx",
        staff_views.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "staff/consultations/<int:pk>/responses/new/",
        keying_views.key_in_response,
        name="key_in",
    ),
    path(
        "staff/consultations/<int:pk>/documents/",
        document_views.document_list,
        name="documents",
    ),
    path(
        "staff/consultations/<int:pk>/documents/<int:document_pk>/remove/",
        document_views.document_remove,
        name="document_remove",
    ),
]
