"""The grants app's records: schemes and rounds (schemes.py), applications and their assessment
(applications.py), and awards with their instalments and monitoring (awards.py)."""

from .applications import (
    Application,
    ApplicationTransition,
    Attachment,
    BudgetLine,
    ConflictOfInterest,
    ConsortiumMember,
    RoundAnswer,
    Score,
)
from .awards import Award, BeneficiaryFigure, Instalment, MonitoringReport
from .schemes import AssessmentCriterion, GrantRound, GrantScheme, RoundQuestion

__all__ = [
    "Application",
    "ApplicationTransition",
    "AssessmentCriterion",
    "Attachment",
    "Award",
    "BeneficiaryFigure",
    "BudgetLine",
    "ConflictOfInterest",
    "ConsortiumMember",
    "GrantRound",
    "GrantScheme",
    "Instalment",
    "MonitoringReport",
    "RoundAnswer",
    "RoundQuestion",
    "Score",
]
