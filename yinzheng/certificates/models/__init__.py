"""The certificates app's models, by sub-domain: the requests with their materials,
demand reports and number counters (`requests`), the records some outcomes need, the
referral to a department among them (`records`), the jurisdiction's settings
(`settings`), the commitments with their post-verification tasks and draws
(`commitments`), the credit records, submissions and platforms (`credit`).

Every model is imported here: Django finds an app's models on `certificates.models`,
and callers import them from it.
"""

from .commitments import Commitment, Sampling, VerificationTask
from .credit import CreditPlatform, CreditRecord, CreditSubmission
from .records import (
    Consultation,
    ExceptionRecord,
    PartyCaseRecord,
    Referral,
    RiskAssessment,
)
from .requests import (
    CATEGORY_CHOICES,
    Attachment,
    CertificateRequest,
    DemandReport,
    SerialCounter,
)
from .settings import JurisdictionSetting

__all__ = [
    "CATEGORY_CHOICES",
    "Attachment",
    "CertificateRequest",
    "Commitment",
    "Consultation",
    "CreditPlatform",
    "CreditRecord",
    "CreditSubmission",
    "DemandReport",
    "ExceptionRecord",
    "PartyCaseRecord",
    "JurisdictionSetting",
    "Referral",
    "RiskAssessment",
    "Sampling",
    "SerialCounter",
    "VerificationTask",
]
