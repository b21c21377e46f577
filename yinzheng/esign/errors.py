"""The esign app's error codes (电子印章): stable once released,
clients and tests match on them; every one is listed in the API schema."""

from yinzheng.core.errors import ErrorCode


class EsignCode(ErrorCode):
    CERTIFICATE_MISSING = "certificate_missing"
    DOCUMENT_NOT_FOUND = "document_not_found"
    DOCUMENT_NOT_SIGNED = "document_not_signed"
    DOCUMENT_SIGNED = "document_signed"
    DOCUMENT_WITHDRAWN = "document_withdrawn"
    DOCUMENT_EXPIRED = "document_expired"
    HOLDER_NAME_REQUIRED = "holder_name_required"
    HSM_UNAVAILABLE = "hsm_unavailable"
    KEY_DESTROYED = "key_destroyed"
    KEY_IN_HSM = "key_in_hsm"
    LEGAL_BASIS_REQUIRED = "legal_basis_required"
    NAME_CHECKS_EXHAUSTED = "name_checks_exhausted"
    NO_SEAL_CERTIFICATE = "no_seal_certificate"
    NOT_PAPER = "not_paper"
    NOT_THAT_DEPARTMENT = "not_that_department"
    ONE_SUBJECT = "one_subject"
    SEAL_CERTIFICATE_EXPIRED = "seal_certificate_expired"
    SEAL_CERTIFICATE_REVOKED = "seal_certificate_revoked"
    SEAL_NOT_ELECTRONIC = "seal_not_electronic"
