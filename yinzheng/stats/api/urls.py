"""Statistics' endpoints (REQ-099–102): the inventory surveys with their entries, the
statistics tables with each unit's status, the units' returns with their rows, and the
rows themselves; the campaign templates, the campaigns and their completions; reports
upward, the counties' reporting lines, the townships' liaisons and their assessments
(REQ-105, REQ-108–110); the aggregate figures and lists in force for departments
(REQ-114)."""

from django.urls import path

from . import campaigns, figures, liaisons, reports, returns, surveys, tables

routes = [
    ("stats/tables", tables.StatsTableViewSet, "stats-table"),
    ("stats/returns", returns.TableReturnViewSet, "stats-return"),
    ("stats/rows", returns.TableRowViewSet, "stats-row"),
    ("stats/surveys", surveys.SurveyViewSet, "stats-survey"),
    ("stats/survey-entries", surveys.SurveyEntryViewSet, "stats-survey-entry"),
    # Campaigns (REQ-104–107).
    (
        "stats/campaign-templates",
        campaigns.CampaignTemplateViewSet,
        "stats-campaign-template",
    ),
    ("stats/campaigns", campaigns.CampaignViewSet, "stats-campaign"),
    ("stats/completions", campaigns.CompletionViewSet, "stats-completion"),
    # Reports upward, liaisons and assessments (REQ-105, REQ-108–110).
    ("stats/reports", reports.ReportViewSet, "stats-report"),
    ("stats/reporting-lines", reports.ReportingLineViewSet, "stats-reporting-line"),
    ("stats/liaisons", liaisons.LiaisonViewSet, "stats-liaison"),
    ("stats/assessments", liaisons.AssessmentViewSet, "stats-assessment"),
]
urlpatterns = [
    # Aggregate figures and the lists in force, for departments (REQ-114).
    path("stats/figures/", figures.FiguresView.as_view(), name="stats-figures"),
]
